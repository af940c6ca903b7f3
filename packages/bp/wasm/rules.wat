;; Sums of the rules kernels for arity m = 2 (RHM-style levels), compiled by
;; scripts/build-wasm.mjs into src/kernels/rules_wasm.ts. Pointers are byte offsets
;; into the imported memory; start/slot are i32, prob and messages f64. Each sum is
;; formed in the same order with the same operations as the JS loops of rules.ts, so
;; both give the same bits; the scaling and the exact fallbacks stay in JS.
(module
  (memory (import "env" "mem") 1)
  ;; P[node*Sp + a] = sum_{r in rules(a)} prob[r] * V[c + slot[2r]] * V[c + slot[2r+1]], c = node * ldc
  (func (export "up")
    (param $V i32) (param $P i32) (param $start i32) (param $slot i32) (param $prob i32)
    (param $n i32) (param $Sp i32) (param $ldc i32)
    (local $node i32) (local $a i32) (local $r i32) (local $e i32)
    (local $c i32) (local $p i32) (local $s i32) (local $sum f64)
    (local.set $node (i32.const 0))
    (local.set $p (local.get $P))
    (block $nodes_done
      (loop $nodes
        (br_if $nodes_done (i32.ge_u (local.get $node) (local.get $n)))
        (local.set $c (i32.add (local.get $V) (i32.shl (i32.mul (local.get $node) (local.get $ldc)) (i32.const 3))))
        (local.set $a (i32.const 0))
        (local.set $r (i32.load (local.get $start)))
        (block $as_done
          (loop $as
            (br_if $as_done (i32.ge_u (local.get $a) (local.get $Sp)))
            (local.set $e (i32.load offset=4 (i32.add (local.get $start) (i32.shl (local.get $a) (i32.const 2)))))
            (local.set $sum (f64.const 0))
            (block $rs_done
              (loop $rs
                (br_if $rs_done (i32.ge_s (local.get $r) (local.get $e)))
                (local.set $s (i32.add (local.get $slot) (i32.shl (local.get $r) (i32.const 3))))
                (local.set $sum (f64.add (local.get $sum)
                  (f64.mul
                    (f64.mul
                      (f64.load (i32.add (local.get $prob) (i32.shl (local.get $r) (i32.const 3))))
                      (f64.load (i32.add (local.get $c) (i32.shl (i32.load (local.get $s)) (i32.const 3)))))
                    (f64.load (i32.add (local.get $c) (i32.shl (i32.load offset=4 (local.get $s)) (i32.const 3)))))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rs)))
            (f64.store (local.get $p) (local.get $sum))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $as)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (br $nodes))))
  ;; For each node: Y[c .. c + 2 Sc) = 0, then for a with W[w + a] != 0 and each rule r of a,
  ;; base = W[w + a] * prob[r]; Y[s0] += base * V[s1]; Y[s1] += base * V[s0]
  ;; (s_j = c + slot[2r + j]; c = node * 2 Sc for both V and Y, w = node * Sp).
  (func (export "down")
    (param $W i32) (param $V i32) (param $Y i32) (param $start i32) (param $slot i32) (param $prob i32)
    (param $n i32) (param $Sp i32) (param $Sc i32)
    (local $node i32) (local $a i32) (local $r i32) (local $e i32) (local $k i32)
    (local $cv i32) (local $cy i32) (local $w i32) (local $s i32) (local $o0 i32) (local $o1 i32)
    (local $xa f64) (local $base f64)
    (local.set $node (i32.const 0))
    (local.set $w (local.get $W))
    (block $nodes_done
      (loop $nodes
        (br_if $nodes_done (i32.ge_u (local.get $node) (local.get $n)))
        (local.set $k (i32.shl (i32.mul (local.get $node) (local.get $Sc)) (i32.const 4)))
        (local.set $cv (i32.add (local.get $V) (local.get $k)))
        (local.set $cy (i32.add (local.get $Y) (local.get $k)))
        (memory.fill (local.get $cy) (i32.const 0) (i32.shl (local.get $Sc) (i32.const 4)))
        (local.set $a (i32.const 0))
        (block $as_done
          (loop $as
            (br_if $as_done (i32.ge_u (local.get $a) (local.get $Sp)))
            (local.set $xa (f64.load (i32.add (local.get $w) (i32.shl (local.get $a) (i32.const 3)))))
            (if (f64.ne (local.get $xa) (f64.const 0))
              (then
                (local.set $k (i32.add (local.get $start) (i32.shl (local.get $a) (i32.const 2))))
                (local.set $r (i32.load (local.get $k)))
                (local.set $e (i32.load offset=4 (local.get $k)))
                (block $rs_done
                  (loop $rs
                    (br_if $rs_done (i32.ge_s (local.get $r) (local.get $e)))
                    (local.set $base (f64.mul (local.get $xa) (f64.load (i32.add (local.get $prob) (i32.shl (local.get $r) (i32.const 3))))))
                    (local.set $s (i32.add (local.get $slot) (i32.shl (local.get $r) (i32.const 3))))
                    (local.set $o0 (i32.shl (i32.load (local.get $s)) (i32.const 3)))
                    (local.set $o1 (i32.shl (i32.load offset=4 (local.get $s)) (i32.const 3)))
                    (f64.store (i32.add (local.get $cy) (local.get $o0))
                      (f64.add (f64.load (i32.add (local.get $cy) (local.get $o0)))
                        (f64.mul (local.get $base) (f64.load (i32.add (local.get $cv) (local.get $o1))))))
                    (f64.store (i32.add (local.get $cy) (local.get $o1))
                      (f64.add (f64.load (i32.add (local.get $cy) (local.get $o1)))
                        (f64.mul (local.get $base) (f64.load (i32.add (local.get $cv) (local.get $o0))))))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $rs)))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $as)))
        (local.set $w (i32.add (local.get $w) (i32.shl (local.get $Sp) (i32.const 3))))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (br $nodes)))))
