;; Float64 GEMM for the product kernels, compiled by scripts/build-wasm.mjs into
;; src/kernels/gemm_wasm.ts (pnpm --filter @ghmkit/bp build:wasm).
;;   Y[i*ldy + c] = sum_{k < K} X[i*ldx + k] * A[k*N + c]   for i < n, c < N
;; x, a, y are byte offsets into the imported memory; ldx, ldy count float64s.
;; Each output is summed over k in ascending order with separate multiply and add
;; (no FMA), as the JS gemv does, so both give the same bits. Columns go 8 at a time
;; (four f64x2 accumulators sharing each loaded X[i, k]), then 2, then 1.
(module
  (memory (import "env" "mem") 1)
  (func (export "gemm")
    (param $x i32) (param $ldx i32) (param $a i32) (param $y i32) (param $ldy i32)
    (param $n i32) (param $K i32) (param $N i32)
    (local $i i32) (local $c i32) (local $k i32)
    (local $xi i32) (local $yi i32) (local $pa i32) (local $rowA i32)
    (local $xv v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $sc f64)
    (local.set $rowA (i32.shl (local.get $N) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xi (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $ldx)) (i32.const 3))))
        (local.set $yi (i32.add (local.get $y) (i32.shl (i32.mul (local.get $i) (local.get $ldy)) (i32.const 3))))
        (local.set $c (i32.const 0))
        ;; 8 columns at a time
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
        ;; 2 columns at a time
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
        ;; the last odd column
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
            (f64.store (i32.add (local.get $yi) (i32.shl (local.get $c) (i32.const 3))) (local.get $sc))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))))
