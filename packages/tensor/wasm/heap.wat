;; SIMD loops over tfjs-backend-wasm's own heap (its exported memory, imported here), for the
;; custom kernels whose JS loops showed in the training step's profile. Offsets are bytes.
;; Every float op is the IEEE one the JS loop rounds to (f32x4 ops are correctly rounded per
;; lane; f64x2 likewise), in the same order, so each kernel gives the JS loop's bits.
;; scripts/build-wasm.mjs also builds a variant whose GEMM multiply-adds, written here as
;; (f32x4.add (local.get $cXY) (f32x4.mul (local.get $s) (local.get $bZ))), are one fused
;; f32x4.relaxed_madd each (src/kernels/gemm_fma.ts): keep that exact form.
(module
  (import "env" "memory" (memory 1))

  ;; dst[c*R + r] = src[r*C + c] for 4-byte elements, one 4x4 tile at (r, c) through shuffles
  ;; (the interleaves V8 turns into unpcklps/unpckhps and punpcklqdq/punpckhqdq).
  (func $tile (param $src i32) (param $dst i32) (param $R i32) (param $C i32) (param $r i32) (param $c i32)
    (local $s i32) (local $d i32) (local $rowB i32) (local $colB i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowB (i32.shl (local.get $C) (i32.const 2)))
    (local.set $colB (i32.shl (local.get $R) (i32.const 2)))
    (local.set $s (i32.add (local.get $src)
      (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2))))
    (local.set $a (v128.load (local.get $s)))
    (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowB))))
    (local.set $x (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowB) (i32.const 1)))))
    (local.set $y (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowB) (i32.const 3)))))
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $y)))
    (local.set $d (i32.add (local.get $dst)
      (i32.shl (i32.add (i32.mul (local.get $c) (local.get $R)) (local.get $r)) (i32.const 2))))
    (v128.store (local.get $d)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (v128.store (i32.add (local.get $d) (local.get $colB))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (v128.store (i32.add (local.get $d) (i32.shl (local.get $colB) (i32.const 1)))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store (i32.add (local.get $d) (i32.mul (local.get $colB) (i32.const 3)))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))

  ;; The R x C block: strips of 16 columns (a source cache line) walked down all rows in
  ;; 4x4 tiles, so reads use whole lines and writes run along 16 destination rows; then
  ;; the ragged edges element by element.
  (func (export "transpose2d") (param $src i32) (param $dst i32) (param $R i32) (param $C i32)
    (local $r i32) (local $c i32) (local $cb i32) (local $cend i32) (local $R4 i32) (local $C4 i32)
    (local.set $R4 (i32.and (local.get $R) (i32.const -4)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $cb) (local.get $C4)))
        (local.set $cend (select (i32.add (local.get $cb) (i32.const 16)) (local.get $C4)
          (i32.lt_u (i32.add (local.get $cb) (i32.const 16)) (local.get $C4))))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $R4)))
            (local.set $c (local.get $cb))
            (block $cdone
              (loop $cl
                (br_if $cdone (i32.ge_u (local.get $c) (local.get $cend)))
                (call $tile (local.get $src) (local.get $dst) (local.get $R) (local.get $C) (local.get $r) (local.get $c))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $cl)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $rl)))
        (local.set $cb (local.get $cend))
        (br $bl)))
    ;; the columns past the last full tile, rows 0..R4
    (local.set $r (i32.const 0))
    (block $edone
      (loop $el
        (br_if $edone (i32.ge_u (local.get $r) (local.get $R4)))
        (call $scalarRow (local.get $src) (local.get $dst) (local.get $R) (local.get $C) (local.get $r) (local.get $C4))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $el)))
    ;; the rows past the last full tile, every column
    (block $tdone
      (loop $tl
        (br_if $tdone (i32.ge_u (local.get $r) (local.get $R)))
        (call $scalarRow (local.get $src) (local.get $dst) (local.get $R) (local.get $C) (local.get $r) (i32.const 0))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tl))))

  ;; dst[c*R + r] = src[r*C + c] for one row r, columns c0..C.
  (func $scalarRow (param $src i32) (param $dst i32) (param $R i32) (param $C i32) (param $r i32) (param $c0 i32)
    (local $c i32)
    (local.set $c (local.get $c0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $c) (local.get $C)))
        (i32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $R)) (local.get $r)) (i32.const 2)))
          (i32.load
            (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $l))))

  ;; One Adam step over n float32 elements, in tf.train.adam's kernel order (adam_update.ts):
  ;; m' = m*b1 + g*c1; v' = v*b2 + (g*g)*c2; x' = ((m'/k1) / (sqrt(v'/k2) + eps)) * negLr + x.
  (func (export "adam")
    (param $x i32) (param $m i32) (param $v i32) (param $g i32)
    (param $x1 i32) (param $m1 i32) (param $v1 i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32)
    (param $negLr f32) (param $eps f32) (param $k1 f32) (param $k2 f32)
    (local $i i32) (local $o i32) (local $n4 i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128)
    (local $L v128) (local $E v128) (local $K1 v128) (local $K2 v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $L (f32x4.splat (local.get $negLr)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $K1 (f32x4.splat (local.get $k1)))
    (local.set $K2 (f32x4.splat (local.get $k2)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
          (f32x4.mul (local.get $gv) (local.get $C1))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
        (v128.store (i32.add (local.get $m1) (local.get $o)) (local.get $mv))
        (v128.store (i32.add (local.get $v1) (local.get $o)) (local.get $vv))
        (v128.store (i32.add (local.get $x1) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $K1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $K2))) (local.get $E)))
              (local.get $L))
            (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l)))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $m1) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $v1) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $x1) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $k1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $k2))) (local.get $eps)))
              (local.get $negLr))
            (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sl))))

  ;; out[c] = sum over the R rows of src[r*C + c] (float32 in, float32 out), accumulated in
  ;; float64 in acc (C entries) four rows at a time as sum.ts does: acc + ((s0 + s1) + (s2 + s3)).
  (func (export "sumRows") (param $src i32) (param $acc i32) (param $out i32) (param $R i32) (param $C i32)
    (local $r i32) (local $c i32) (local $R4 i32) (local $C2 i32) (local $rowB i32) (local $s i32) (local $p i32)
    (local.set $R4 (i32.and (local.get $R) (i32.const -4)))
    (local.set $C2 (i32.and (local.get $C) (i32.const -2)))
    (local.set $rowB (i32.shl (local.get $C) (i32.const 2)))
    (block $zdone
      (loop $zl
        (br_if $zdone (i32.ge_u (local.get $c) (local.get $C)))
        (f64.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))) (f64.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zl)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $R4)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $cl
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $C2)))
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2))))
            (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (v128.store (local.get $p)
              (f64x2.add (v128.load (local.get $p))
                (f64x2.add
                  (f64x2.add
                    (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s)))
                    (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $s) (local.get $rowB)))))
                  (f64x2.add
                    (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $s) (i32.shl (local.get $rowB) (i32.const 1)))))
                    (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $s) (i32.mul (local.get $rowB) (i32.const 3)))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 2)))
            (br $cl)))
        (if (i32.lt_u (local.get $C2) (local.get $C))
          (then
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $C2)) (i32.const 2))))
            (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $C2) (i32.const 3))))
            (f64.store (local.get $p)
              (f64.add (f64.load (local.get $p))
                (f64.add
                  (f64.add
                    (f64.promote_f32 (f32.load (local.get $s)))
                    (f64.promote_f32 (f32.load (i32.add (local.get $s) (local.get $rowB)))))
                  (f64.add
                    (f64.promote_f32 (f32.load (i32.add (local.get $s) (i32.shl (local.get $rowB) (i32.const 1)))))
                    (f64.promote_f32 (f32.load (i32.add (local.get $s) (i32.mul (local.get $rowB) (i32.const 3)))))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rl)))
    (block $tdone
      (loop $tl
        (br_if $tdone (i32.ge_u (local.get $r) (local.get $R)))
        (local.set $c (i32.const 0))
        (block $udone
          (loop $ul
            (br_if $udone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $p)
              (f64.add (f64.load (local.get $p))
                (f64.promote_f32 (f32.load (i32.add (local.get $src)
                  (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $ul)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tl)))
    (local.set $c (i32.const 0))
    (block $odone
      (loop $ol
        (br_if $odone (i32.ge_u (local.get $c) (local.get $C)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $ol))))

  ;; gemmTN for N % 16 = 0: 2x16 blocks of c (8 registers; 2 splats and 4 loads per row p) over
  ;; slabs of 32 rows of a and b. The same sums in the same order as the 4x8 blocks below (the
  ;; same bits); measured 1.0-1.2x their speed on the U-Net's weight-gradient shapes (medians
  ;; of 10 interleaved runs, 2-vCPU VM).
  (func $gemmTN16 (param $a i32) (param $b i32) (param $c i32) (param $P i32) (param $M i32) (param $N i32) (param $lda i32)
    (local $p0 i32) (local $pend i32) (local $i i32) (local $j i32) (local $n i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $rowA i32) (local $rowB i32)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $s v128)
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (block $slabsDone
      (loop $slab
        (br_if $slabsDone (i32.ge_u (local.get $p0) (local.get $P)))
        (local.set $pend (select (i32.add (local.get $p0) (i32.const 32)) (local.get $P)
          (i32.lt_u (i32.add (local.get $p0) (i32.const 32)) (local.get $P))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
                (local.set $pc (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
                (local.set $c00 (v128.load offset=0 (local.get $pc)))
                (local.set $c01 (v128.load offset=16 (local.get $pc)))
                (local.set $c02 (v128.load offset=32 (local.get $pc)))
                (local.set $c03 (v128.load offset=48 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $c10 (v128.load offset=0 (local.get $pc)))
                (local.set $c11 (v128.load offset=16 (local.get $pc)))
                (local.set $c12 (v128.load offset=32 (local.get $pc)))
                (local.set $c13 (v128.load offset=48 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $pa (i32.add (local.get $a)
                  (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $lda)) (local.get $i)) (i32.const 2))))
                (local.set $pb (i32.add (local.get $b)
                  (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $N)) (local.get $j)) (i32.const 2))))
                (local.set $n (i32.sub (local.get $pend) (local.get $p0)))
                (loop $pLoop
                  (local.set $b0 (v128.load offset=0 (local.get $pb)))
                  (local.set $b1 (v128.load offset=16 (local.get $pb)))
                  (local.set $b2 (v128.load offset=32 (local.get $pb)))
                  (local.set $b3 (v128.load offset=48 (local.get $pb)))
                  (local.set $s (v128.load32_splat offset=0 (local.get $pa)))
                  (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $s) (local.get $b2))))
                  (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $s) (local.get $b3))))
                  (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
                  (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $s) (local.get $b2))))
                  (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $s) (local.get $b3))))
                  (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
                  (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $pLoop (local.get $n)))
                (local.set $pc (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
                (v128.store offset=0 (local.get $pc) (local.get $c00))
                (v128.store offset=16 (local.get $pc) (local.get $c01))
                (v128.store offset=32 (local.get $pc) (local.get $c02))
                (v128.store offset=48 (local.get $pc) (local.get $c03))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (v128.store offset=0 (local.get $pc) (local.get $c10))
                (v128.store offset=16 (local.get $pc) (local.get $c11))
                (v128.store offset=32 (local.get $pc) (local.get $c12))
                (v128.store offset=48 (local.get $pc) (local.get $c13))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $iLoop)))
        (local.set $p0 (local.get $pend))
        (br $slab))))

  ;; c[i*N + j] += sum over p of a[p*lda + i] * b[p*N + j] for i < M (c += a^T b, a [P, lda]
  ;; read in its first M columns, b [P, N], all row-major; lda = M for the whole of a, more when
  ;; a thread takes a band of c's rows), for M % 4 = 0 and N % 8 = 0: the weight gradient x^T dy of a dense layer,
  ;; read in place, no transposed or packed copy. Each 4x8 block of c is held in 8 registers
  ;; while rows p stream past (row p of a and of b are contiguous: 4 splats, 2 loads, 32
  ;; multiply-adds). Rows go in slabs of 64 so a slab of a and b stays in L1 across the blocks.
  ;; Every c element is one float32 sum in p order (multiply rounded, then add rounded).
  (func (export "gemmTN") (param $a i32) (param $b i32) (param $c i32) (param $P i32) (param $M i32) (param $N i32) (param $lda i32)
    (local $p0 i32) (local $pend i32) (local $i i32) (local $j i32) (local $n i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $rowA i32) (local $rowB i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (if (i32.eqz (i32.and (local.get $N) (i32.const 15)))
      (then
        (call $gemmTN16 (local.get $a) (local.get $b) (local.get $c) (local.get $P) (local.get $M) (local.get $N) (local.get $lda))
        (return)))
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (block $slabsDone
      (loop $slab
        (br_if $slabsDone (i32.ge_u (local.get $p0) (local.get $P)))
        (local.set $pend (select (i32.add (local.get $p0) (i32.const 64)) (local.get $P)
          (i32.lt_u (i32.add (local.get $p0) (i32.const 64)) (local.get $P))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
                (local.set $pc (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
                (local.set $c00 (v128.load (local.get $pc)))
                (local.set $c01 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $c10 (v128.load (local.get $pc)))
                (local.set $c11 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $c20 (v128.load (local.get $pc)))
                (local.set $c21 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
                (local.set $c30 (v128.load (local.get $pc)))
                (local.set $c31 (v128.load offset=16 (local.get $pc)))
                (local.set $pa (i32.add (local.get $a)
                  (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $lda)) (local.get $i)) (i32.const 2))))
                (local.set $pb (i32.add (local.get $b)
                  (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $N)) (local.get $j)) (i32.const 2))))
                (local.set $n (i32.sub (local.get $pend) (local.get $p0)))
                (loop $pLoop
                  (local.set $b0 (v128.load (local.get $pb)))
                  (local.set $b1 (v128.load offset=16 (local.get $pb)))
                  (local.set $s (v128.load32_splat (local.get $pa)))
                  (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
                  (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $s (v128.load32_splat offset=8 (local.get $pa)))
                  (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $s (v128.load32_splat offset=12 (local.get $pa)))
                  (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
                  (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
                  (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
                  (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $pLoop (local.get $n)))
                (v128.store (local.get $pc) (local.get $c30))
                (v128.store offset=16 (local.get $pc) (local.get $c31))
                (local.set $pc (i32.sub (local.get $pc) (local.get $rowB)))
                (v128.store (local.get $pc) (local.get $c20))
                (v128.store offset=16 (local.get $pc) (local.get $c21))
                (local.set $pc (i32.sub (local.get $pc) (local.get $rowB)))
                (v128.store (local.get $pc) (local.get $c10))
                (v128.store offset=16 (local.get $pc) (local.get $c11))
                (local.set $pc (i32.sub (local.get $pc) (local.get $rowB)))
                (v128.store (local.get $pc) (local.get $c00))
                (v128.store offset=16 (local.get $pc) (local.get $c01))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iLoop)))
        (local.set $p0 (local.get $pend))
        (br $slab))))

  ;; gemmNN for N % 16 = 0: each 2x16 block of c held in 8 registers while k runs (2 splats
  ;; from the 2 rows of a, 4 loads from row k of b, 16 multiply-adds). The same sums in the
  ;; same order as the 4x8 blocks below (so the same bits); measured 1.0-1.34x their speed on
  ;; the U-Net's shapes (medians of 12 interleaved runs, 2-vCPU VM), fewer registers live
  ;; across the loop than a 4x16 block, which V8 would spill.
  (func $gemmNN16 (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32)
    (local $i i32) (local $j i32) (local $n i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $rowA i32) (local $rowB i32)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $s v128)
    (local.set $rowA (i32.shl (local.get $K) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
            (if (local.get $bias)
              (then
                (local.set $pb (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $c00 (v128.load (local.get $pb)))
                (local.set $c01 (v128.load offset=16 (local.get $pb)))
                (local.set $c02 (v128.load offset=32 (local.get $pb)))
                (local.set $c03 (v128.load offset=48 (local.get $pb))))
              (else
                (local.set $c00 (v128.const i32x4 0 0 0 0))
                (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c02 (v128.const i32x4 0 0 0 0))
                (local.set $c03 (v128.const i32x4 0 0 0 0))))
            (local.set $c10 (local.get $c00))
            (local.set $c11 (local.get $c01))
            (local.set $c12 (local.get $c02))
            (local.set $c13 (local.get $c03))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $n (local.get $K))
            (loop $kLoop
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $b2 (v128.load offset=32 (local.get $pb)))
              (local.set $b3 (v128.load offset=48 (local.get $pb)))
              (local.set $s (v128.load32_splat (local.get $pa)))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $s) (local.get $b2))))
              (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $s) (local.get $b3))))
              (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $rowA))))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $s) (local.get $b2))))
              (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $s) (local.get $b3))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
              (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $kLoop (local.get $n)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (v128.store offset=32 (local.get $pc) (local.get $c02))
            (v128.store offset=48 (local.get $pc) (local.get $c03))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (v128.store offset=32 (local.get $pc) (local.get $c12))
            (v128.store offset=48 (local.get $pc) (local.get $c13))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $iLoop))))

  ;; c[i*N + j] = sum over k of a[i*K + k] * b[k*N + j] (c = a b, a [M, K], b [K, N], all
  ;; row-major), for M % 4 = 0 and N % 8 = 0: the forward product x W and the input gradient
  ;; dy W^T (W^T being a small transposed copy) of a dense layer. XNNPACK re-packs b on every
  ;; call (a weight is a new tensor after each Adam step); here b is read in place, an 8-wide
  ;; column panel per block. Each 4x8 block of c is held in 8 registers while k runs: 4 splats
  ;; from the 4 rows of a, 2 loads from row k of b, 32 multiply-adds. Every c element is one
  ;; float32 sum in k order (multiply rounded, then add rounded), as XNNPACK's kernels sum.
  ;; A nonzero $bias (a float32 [N] row; no tensor lives at address 0) starts each sum, as
  ;; XNNPACK's fused kernels start theirs: c = bias + a b with its bits.
  (func (export "gemmNN") (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32)
    (local $i i32) (local $j i32) (local $n i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $rowA i32) (local $rowB i32)
    (local $rowA2 i32) (local $rowA3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (if (i32.eqz (i32.and (local.get $N) (i32.const 15)))
      (then
        (call $gemmNN16 (local.get $a) (local.get $b) (local.get $bias) (local.get $c) (local.get $M) (local.get $K) (local.get $N))
        (return)))
    (local.set $rowA (i32.shl (local.get $K) (i32.const 2)))
    (local.set $rowA2 (i32.shl (local.get $K) (i32.const 3)))
    (local.set $rowA3 (i32.mul (local.get $K) (i32.const 12)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
            (if (local.get $bias)
              (then
                (local.set $c00 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $c01 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
              (else
                (local.set $c00 (v128.const i32x4 0 0 0 0))
                (local.set $c01 (v128.const i32x4 0 0 0 0))))
            (local.set $c10 (local.get $c00))
            (local.set $c11 (local.get $c01))
            (local.set $c20 (local.get $c00))
            (local.set $c21 (local.get $c01))
            (local.set $c30 (local.get $c00))
            (local.set $c31 (local.get $c01))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $n (local.get $K))
            (loop $kLoop
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $s (v128.load32_splat (local.get $pa)))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $rowA))))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $rowA2))))
              (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $rowA3))))
              (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
              (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $kLoop (local.get $n)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop))))

  ;; rows runs of $bytes bytes from $src (a row every $srcStride bytes) to $dst (every
  ;; $dstStride): Concat and Slice along the last axis, a few dozen bytes per row, where a JS
  ;; copyWithin per row (~0.4 us each) cost 3 ms to join [64,64,64] and [64,64,8]. 16 bytes at
  ;; a time, then single bytes. Plain copies: the same bits as copyWithin.
  (func (export "copyRows") (param $src i32) (param $dst i32) (param $rows i32) (param $bytes i32)
    (param $srcStride i32) (param $dstStride i32)
    (local $o i32) (local $v16 i32)
    (local.set $v16 (i32.and (local.get $bytes) (i32.const -16)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $o (i32.const 0))
        (block $vDone
          (loop $v
            (br_if $vDone (i32.ge_u (local.get $o) (local.get $v16)))
            (v128.store (i32.add (local.get $dst) (local.get $o)) (v128.load (i32.add (local.get $src) (local.get $o))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $v)))
        (block $bDone
          (loop $b
            (br_if $bDone (i32.ge_u (local.get $o) (local.get $bytes)))
            (i32.store8 (i32.add (local.get $dst) (local.get $o)) (i32.load8_u (i32.add (local.get $src) (local.get $o))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $b)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; out[r*C + c] = (a[r*C + c] == b[r]) as a byte, float32 a [R, C] against b [R, 1]: the
  ;; broadcasting Equal in the gradient of the loss's max (x [64,64,8] against its max), where
  ;; the JS loop, run once per step, stayed slow (1.3 ms for 32k elements). Exact compares:
  ;; the JS loop's bytes.
  (func (export "equalRows") (param $a i32) (param $b i32) (param $out i32) (param $R i32) (param $C i32)
    (local $c i32) (local $y f32)
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $R)))
        (local.set $y (f32.load (local.get $b)))
        (local.set $c (i32.const 0))
        (block $cDone
          (loop $col
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
            (i32.store8 (i32.add (local.get $out) (local.get $c))
              (f32.eq (f32.load (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 2)))) (local.get $y)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (local.get $C)))
        (local.set $R (i32.sub (local.get $R) (i32.const 1)))
        (br $row))))

  ;; out[i] = dy[i] * step(x[i]), step = 1 where x > 0, NaN where x is NaN, else 0: the
  ;; gradient of Relu as tfjs-core composes it (Step, Cast, Multiply: three passes and three
  ;; kernel calls) in one pass, the same products, so the same bits. n elements, byte offsets.
  (func (export "reluGrad") (param $dy i32) (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $n4 i32) (local $xv v128) (local $s v128) (local $xs f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $vDone
      (loop $v
        (br_if $vDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $s (v128.bitselect (f32x4.splat (f32.const 1)) (f32x4.splat (f32.const 0))
          (f32x4.gt (local.get $xv) (f32x4.splat (f32.const 0)))))
        (local.set $s (v128.bitselect (local.get $s) (local.get $xv) (f32x4.eq (local.get $xv) (local.get $xv))))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.shl (local.get $i) (i32.const 2)))) (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $v)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xs (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.mul (f32.load (i32.add (local.get $dy) (i32.shl (local.get $i) (i32.const 2))))
            (select (f32.const 1)
              (select (f32.const 0) (local.get $xs) (f32.eq (local.get $xs) (local.get $xs)))
              (f32.gt (local.get $xs) (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out[r*C + c] = a[r*C + c] + b[c], float32, C % 4 = 0: every bias add of a dense layer
  ;; whose matrix product the engine does not fuse (33 per d=64 U-Net step), one f32x4 add per
  ;; 4 elements. Correctly rounded float32 adds, so stock's bits. Byte offsets.
  (func (export "addRows") (param $a i32) (param $b i32) (param $out i32) (param $R i32) (param $C i32)
    (local $c i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $C) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $R)))
        (local.set $c (i32.const 0))
        (block $cDone
          (loop $col
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (v128.store (i32.add (local.get $out) (local.get $c))
              (f32x4.add (v128.load (i32.add (local.get $a) (local.get $c)))
                (v128.load (i32.add (local.get $b) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $col)))
        (local.set $a (i32.add (local.get $a) (local.get $bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $bytes)))
        (local.set $R (i32.sub (local.get $R) (i32.const 1)))
        (br $row))))

  ;; out[r*C + c] = max(a[r*C + c] + b[c], 0), float32, C % 4 = 0: a relu dense layer's bias
  ;; add and ReLU in one pass (GhmDense), out may be a. The same correctly rounded float32 add
  ;; as addRows, then the max with 0 that XNNPACK's clamp to [0, inf) takes: stock's bits for
  ;; every non-NaN value. Byte offsets.
  (func (export "addRowsRelu") (param $a i32) (param $b i32) (param $out i32) (param $R i32) (param $C i32)
    (local $c i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $C) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $R)))
        (local.set $c (i32.const 0))
        (block $cDone
          (loop $col
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (v128.store (i32.add (local.get $out) (local.get $c))
              (f32x4.max
                (f32x4.add (v128.load (i32.add (local.get $a) (local.get $c)))
                  (v128.load (i32.add (local.get $b) (local.get $c))))
                (v128.const f32x4 0 0 0 0)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $col)))
        (local.set $a (i32.add (local.get $a) (local.get $bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $bytes)))
        (local.set $R (i32.sub (local.get $R) (i32.const 1)))
        (br $row))))
)
