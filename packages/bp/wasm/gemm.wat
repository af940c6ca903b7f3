;; Float64 GEMM for the product kernels, compiled by scripts/build-wasm.mjs into
;; src/kernels/gemm_wasm.ts (pnpm --filter @ghmkit/bp build:wasm).
;;   Y[i*ldy + c] = sum_{k < K} X[i*ldx + k] * A[k*N + c]   for i < n, c < N
;; x, a, y are byte offsets into the imported memory; ldx, ldy count float64s.
;; Each output is summed over k in ascending order with separate multiply and add
;; (no FMA), as the JS gemv does, so both give the same bits. Rows go in pairs that share
;; each load of A, 8 columns at a time, then 2, then 1.
;; Also the elementwise steps around the downward GEMM of an m = 2 level (down_x, rowmax):
;; products and maxima are exact operations, so their SIMD form gives the JS loop's bits.
(module
  (memory (import "env" "mem") 1)
  ;; For node < n and j in {0, 1}: X[(2 node + j) Sp + a] = W[node Sp + a] * t[(2 node + 1 - j) Sp + a],
  ;; xmax[2 node + j] = max(0, max_a of those). Sp must be even (the caller checks).
  (func (export "down_x")
    (param $W i32) (param $t i32) (param $X i32) (param $xmax i32) (param $n i32) (param $Sp i32)
    (local $node i32) (local $j i32) (local $a i32) (local $row i32)
    (local $w i32) (local $ts i32) (local $x i32) (local $v v128) (local $mx v128)
    (local.set $row (i32.shl (local.get $Sp) (i32.const 3)))
    (local.set $node (i32.const 0))
    (local.set $w (local.get $W))
    (local.set $x (local.get $X))
    (block $nodes_done
      (loop $nodes
        (br_if $nodes_done (i32.ge_u (local.get $node) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $js_done
          (loop $js
            (br_if $js_done (i32.ge_u (local.get $j) (i32.const 2)))
            ;; the sibling's t: row 2 node + 1 - j
            (local.set $ts (i32.add (local.get $t)
              (i32.mul (i32.sub (i32.add (i32.shl (local.get $node) (i32.const 1)) (i32.const 1)) (local.get $j)) (local.get $row))))
            (local.set $mx (v128.const f64x2 0 0))
            (local.set $a (i32.const 0))
            (block $as_done
              (loop $as
                (br_if $as_done (i32.ge_u (local.get $a) (local.get $row)))
                (local.set $v (f64x2.mul
                  (v128.load align=8 (i32.add (local.get $w) (local.get $a)))
                  (v128.load align=8 (i32.add (local.get $ts) (local.get $a)))))
                (v128.store align=8 (i32.add (local.get $x) (local.get $a)) (local.get $v))
                (local.set $mx (f64x2.pmax (local.get $mx) (local.get $v)))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (br $as)))
            (f64.store (local.get $xmax)
              (f64.max (f64x2.extract_lane 0 (local.get $mx)) (f64x2.extract_lane 1 (local.get $mx))))
            (local.set $xmax (i32.add (local.get $xmax) (i32.const 8)))
            (local.set $x (i32.add (local.get $x) (local.get $row)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $js)))
        (local.set $w (i32.add (local.get $w) (local.get $row)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (br $nodes))))
  ;; out[i] = max(0, max_{c < N} Y[i N + c]) for i < n.
  (func (export "rowmax")
    (param $Y i32) (param $out i32) (param $n i32) (param $N i32)
    (local $i i32) (local $c i32) (local $mx f64) (local $end i32)
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $mx (f64.const 0))
        (local.set $end (i32.add (local.get $Y) (i32.shl (local.get $N) (i32.const 3))))
        (block $cs_done
          (loop $cs
            (br_if $cs_done (i32.ge_u (local.get $Y) (local.get $end)))
            (local.set $mx (f64.max (local.get $mx) (f64.load (local.get $Y))))
            (local.set $Y (i32.add (local.get $Y) (i32.const 8)))
            (br $cs)))
        (f64.store (local.get $out) (local.get $mx))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
  ;; One row of Y from column c on: 8 columns at a time (four f64x2 accumulators sharing each
  ;; loaded X[i, k]), then 2, then 1.
  (func $row
    (param $xi i32) (param $yi i32) (param $a i32) (param $K i32) (param $N i32) (param $c i32)
    (local $k i32) (local $pa i32) (local $rowA i32)
    (local $xv v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $sc f64)
    (local.set $rowA (i32.shl (local.get $N) (i32.const 3)))
    (block $c8_done
      (loop $c8
        (br_if $c8_done (i32.gt_u (i32.add (local.get $c) (i32.const 8)) (local.get $N)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $k8_done
          (loop $k8
            (br_if $k8_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $xi) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $xv) (v128.load offset=0 align=8 (local.get $pa)))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $xv) (v128.load offset=16 align=8 (local.get $pa)))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $xv) (v128.load offset=32 align=8 (local.get $pa)))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $xv) (v128.load offset=48 align=8 (local.get $pa)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k8)))
        (local.set $pa (i32.add (local.get $yi) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store offset=0 align=8 (local.get $pa) (local.get $s0))
        (v128.store offset=16 align=8 (local.get $pa) (local.get $s1))
        (v128.store offset=32 align=8 (local.get $pa) (local.get $s2))
        (v128.store offset=48 align=8 (local.get $pa) (local.get $s3))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $c8)))
    (block $c2_done
      (loop $c2
        (br_if $c2_done (i32.gt_u (i32.add (local.get $c) (i32.const 2)) (local.get $N)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $k2_done
          (loop $k2
            (br_if $k2_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $xi) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $xv) (v128.load align=8 (local.get $pa)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k2)))
        (v128.store align=8 (i32.add (local.get $yi) (i32.shl (local.get $c) (i32.const 3))) (local.get $s0))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $c2)))
    (if (i32.lt_u (local.get $c) (local.get $N))
      (then
        (local.set $sc (f64.const 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $k1_done
          (loop $k1
            (br_if $k1_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $sc (f64.add (local.get $sc)
              (f64.mul (f64.load (i32.add (local.get $xi) (i32.shl (local.get $k) (i32.const 3)))) (f64.load (local.get $pa)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k1)))
        (f64.store (i32.add (local.get $yi) (i32.shl (local.get $c) (i32.const 3))) (local.get $sc)))))
  ;; Two rows of Y, 8 columns at a time: eight accumulators share each loaded 8-column
  ;; strip of A, which halves the loads per multiply-add. Returns the first column left.
  (func $pair8
    (param $x0 i32) (param $x1 i32) (param $y0 i32) (param $y1 i32) (param $a i32) (param $K i32) (param $N i32)
    (result i32)
    (local $c i32) (local $k i32) (local $pa i32) (local $rowA i32) (local $xk i32)
    (local $u v128) (local $v v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local.set $rowA (i32.shl (local.get $N) (i32.const 3)))
    (local.set $c (i32.const 0))
    (block $c8_done
      (loop $c8
        (br_if $c8_done (i32.gt_u (i32.add (local.get $c) (i32.const 8)) (local.get $N)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        (local.set $r0 (v128.const f64x2 0 0))
        (local.set $r1 (v128.const f64x2 0 0))
        (local.set $r2 (v128.const f64x2 0 0))
        (local.set $r3 (v128.const f64x2 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $ks
            (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $xk (i32.shl (local.get $k) (i32.const 3)))
            (local.set $u (f64x2.splat (f64.load (i32.add (local.get $x0) (local.get $xk)))))
            (local.set $v (f64x2.splat (f64.load (i32.add (local.get $x1) (local.get $xk)))))
            (local.set $a0 (v128.load offset=0 align=8 (local.get $pa)))
            (local.set $a1 (v128.load offset=16 align=8 (local.get $pa)))
            (local.set $a2 (v128.load offset=32 align=8 (local.get $pa)))
            (local.set $a3 (v128.load offset=48 align=8 (local.get $pa)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $u) (local.get $a0))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $u) (local.get $a1))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $u) (local.get $a2))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $u) (local.get $a3))))
            (local.set $r0 (f64x2.add (local.get $r0) (f64x2.mul (local.get $v) (local.get $a0))))
            (local.set $r1 (f64x2.add (local.get $r1) (f64x2.mul (local.get $v) (local.get $a1))))
            (local.set $r2 (f64x2.add (local.get $r2) (f64x2.mul (local.get $v) (local.get $a2))))
            (local.set $r3 (f64x2.add (local.get $r3) (f64x2.mul (local.get $v) (local.get $a3))))
            (local.set $pa (i32.add (local.get $pa) (local.get $rowA)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ks)))
        (local.set $pa (i32.add (local.get $y0) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store offset=0 align=8 (local.get $pa) (local.get $s0))
        (v128.store offset=16 align=8 (local.get $pa) (local.get $s1))
        (v128.store offset=32 align=8 (local.get $pa) (local.get $s2))
        (v128.store offset=48 align=8 (local.get $pa) (local.get $s3))
        (local.set $pa (i32.add (local.get $y1) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store offset=0 align=8 (local.get $pa) (local.get $r0))
        (v128.store offset=16 align=8 (local.get $pa) (local.get $r1))
        (v128.store offset=32 align=8 (local.get $pa) (local.get $r2))
        (v128.store offset=48 align=8 (local.get $pa) (local.get $r3))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $c8)))
    (local.get $c))
  ;; Rows in pairs through $pair8, their remaining columns and a last odd row through $row.
  (func (export "gemm")
    (param $x i32) (param $ldx i32) (param $a i32) (param $y i32) (param $ldy i32)
    (param $n i32) (param $K i32) (param $N i32)
    (local $i i32) (local $c i32) (local $x0 i32) (local $x1 i32) (local $y0 i32) (local $y1 i32)
    (local $sx i32) (local $sy i32)
    (local.set $sx (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $sy (i32.shl (local.get $ldy) (i32.const 3)))
    (local.set $x0 (local.get $x))
    (local.set $y0 (local.get $y))
    (local.set $i (i32.const 0))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $sx)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $sy)))
        (local.set $c (call $pair8 (local.get $x0) (local.get $x1) (local.get $y0) (local.get $y1)
          (local.get $a) (local.get $K) (local.get $N)))
        (if (i32.lt_u (local.get $c) (local.get $N))
          (then
            (call $row (local.get $x0) (local.get $y0) (local.get $a) (local.get $K) (local.get $N) (local.get $c))
            (call $row (local.get $x1) (local.get $y1) (local.get $a) (local.get $K) (local.get $N) (local.get $c))))
        (local.set $x0 (i32.add (local.get $x1) (local.get $sx)))
        (local.set $y0 (i32.add (local.get $y1) (local.get $sy)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then (call $row (local.get $x0) (local.get $y0) (local.get $a) (local.get $K) (local.get $N) (i32.const 0))))))
