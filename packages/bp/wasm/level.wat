;; The elementwise steps around the GEMMs of a level, compiled by scripts/build-wasm.mjs
;; into src/kernels/level_wasm.ts: the leaf messages (with their exp), the upward product of a parent's children and its
;; scaling, the downward scaling of a child's sum, and the marginals v * w. Each does
;; the common case (every entry a trusted normal float) in SIMD with the same
;; operations in the same order as the JS loops, so both give the same bits, and flags
;; a node or child that needs a log or an exact log-domain fallback; the caller redoes
;; those in JS. Rows are Sp or S float64s, which must be even (the caller checks).
;; Pointers are byte offsets into the imported memory; flags are i32, the rest f64.
(module
  (memory (import "env" "mem") 1)
  ;; pmax of the two lanes (lane 1 when lane 0 < lane 1), as the JS loops' `if (x > m) m = x`.
  (func $lanemax (param $v v128) (result f64)
    (select (f64x2.extract_lane 1 (local.get $v)) (f64x2.extract_lane 0 (local.get $v))
      (f64.lt (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v)))))
  (func $lanemin (param $v v128) (result f64)
    (select (f64x2.extract_lane 1 (local.get $v)) (f64x2.extract_lane 0 (local.get $v))
      (f64.lt (f64x2.extract_lane 1 (local.get $v)) (f64x2.extract_lane 0 (local.get $v)))))
  ;; For node < n: P(a) = prod_{j < m} t[(m node + j) Sp + a] (j ascending) into vp[node Sp + a],
  ;; pmax[node] = max(0, max_a P(a)). Every P(a) >= low: vp = P * (1 / pmax), flag 0, or flag 2
  ;; when some scaled entry is below TINY (its log is still to write). Else flag 1 (vp holds P).
  ;; low is LOW for products of children; with m = 1 and t = vp it scales sums in place (TINY).
  (func (export "up_prod")
    (param $t i32) (param $vp i32) (param $pmax i32) (param $flags i32)
    (param $n i32) (param $m i32) (param $Sp i32) (param $low f64)
    (local $node i32) (local $row i32) (local $a i32) (local $j i32) (local $tj i32)
    (local $x v128) (local $mx v128) (local $mn v128) (local $inv v128) (local $P f64)
    (local.set $row (i32.shl (local.get $Sp) (i32.const 3)))
    (local.set $node (i32.const 0))
    (block $nodes_done
      (loop $nodes
        (br_if $nodes_done (i32.ge_u (local.get $node) (local.get $n)))
        (local.set $mx (v128.const f64x2 0 0))
        (local.set $mn (v128.const f64x2 inf inf))
        (local.set $a (i32.const 0))
        (block $as_done
          (loop $as
            (br_if $as_done (i32.ge_u (local.get $a) (local.get $row)))
            (local.set $x (v128.load align=8 (i32.add (local.get $t) (local.get $a))))
            (local.set $tj (i32.add (local.get $t) (local.get $row)))
            (local.set $j (i32.const 1))
            (block $js_done
              (loop $js
                (br_if $js_done (i32.ge_u (local.get $j) (local.get $m)))
                (local.set $x (f64x2.mul (local.get $x) (v128.load align=8 (i32.add (local.get $tj) (local.get $a)))))
                (local.set $tj (i32.add (local.get $tj) (local.get $row)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $js)))
            (v128.store align=8 (i32.add (local.get $vp) (local.get $a)) (local.get $x))
            (local.set $mx (f64x2.pmax (local.get $mx) (local.get $x)))
            (local.set $mn (f64x2.pmin (local.get $mn) (local.get $x)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $as)))
        (local.set $P (call $lanemax (local.get $mx)))
        (f64.store (local.get $pmax) (local.get $P))
        (if (f64.ge (call $lanemin (local.get $mn)) (local.get $low))
          (then
            (local.set $inv (f64x2.splat (f64.div (f64.const 1) (local.get $P))))
            (local.set $mn (v128.const f64x2 inf inf))
            (local.set $a (i32.const 0))
            (block $bs_done
              (loop $bs
                (br_if $bs_done (i32.ge_u (local.get $a) (local.get $row)))
                (local.set $x (f64x2.mul (v128.load align=8 (i32.add (local.get $vp) (local.get $a))) (local.get $inv)))
                (v128.store align=8 (i32.add (local.get $vp) (local.get $a)) (local.get $x))
                (local.set $mn (f64x2.pmin (local.get $mn) (local.get $x)))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (br $bs)))
            (i32.store (local.get $flags)
              (select (i32.const 0) (i32.const 2)
                (f64.ge (call $lanemin (local.get $mn))
                  (f64.const 0x1p-500)))))
          (else (i32.store (local.get $flags) (i32.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.mul (local.get $row) (local.get $m))))
        (local.set $vp (i32.add (local.get $vp) (local.get $row)))
        (local.set $pmax (i32.add (local.get $pmax) (i32.const 8)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (br $nodes))))
  ;; For child i < n with down sum y = Y[i Sc ..]: ymax[i] = max(0, max_b y(b)). Flag 1 when
  ;; xmax[i] < TINY (the child goes to the log domain). Else, when every y(b) >= TINY xmax[i]
  ;; and every q(b) = y(b) * (1 / ymax[i]) >= TINY, y becomes q and the flag is 0; otherwise
  ;; y is left as summed and the flag is 2 (the caller scales it entry by entry). xmax steps
  ;; by xstride bytes (0: one weight for every child, 1 for the rules levels).
  (func (export "down_scale")
    (param $Y i32) (param $ymax i32) (param $xmax i32) (param $flags i32) (param $n i32) (param $Sc i32)
    (param $xstride i32)
    (local $i i32) (local $row i32) (local $b i32) (local $y v128) (local $mx v128)
    (local $trust v128) (local $inv v128) (local $ok v128) (local $q i32) (local $M f64) (local $X f64)
    (local.set $row (i32.shl (local.get $Sc) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $children_done
      (loop $children
        (br_if $children_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $mx (v128.const f64x2 0 0))
        (local.set $b (i32.const 0))
        (block $ms_done
          (loop $ms
            (br_if $ms_done (i32.ge_u (local.get $b) (local.get $row)))
            (local.set $mx (f64x2.pmax (local.get $mx) (v128.load align=8 (i32.add (local.get $Y) (local.get $b)))))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $ms)))
        (local.set $M (call $lanemax (local.get $mx)))
        (f64.store (local.get $ymax) (local.get $M))
        (local.set $X (f64.load (local.get $xmax)))
        (if (f64.lt (local.get $X) (f64.const 0x1p-500))
          (then (i32.store (local.get $flags) (i32.const 1)))
          (else
            (local.set $trust (f64x2.splat (f64.mul (f64.const 0x1p-500) (local.get $X))))
            (local.set $inv (f64x2.splat (f64.div (f64.const 1) (local.get $M))))
            (local.set $ok (v128.const i64x2 -1 -1))
            (local.set $b (i32.const 0))
            (block $cs_done
              (loop $cs
                (br_if $cs_done (i32.ge_u (local.get $b) (local.get $row)))
                (local.set $y (v128.load align=8 (i32.add (local.get $Y) (local.get $b))))
                (local.set $ok (v128.and (local.get $ok)
                  (v128.and (f64x2.ge (local.get $y) (local.get $trust))
                    (f64x2.ge (f64x2.mul (local.get $y) (local.get $inv)) (v128.const f64x2 0x1p-500 0x1p-500)))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $cs)))
            (if (i64x2.all_true (local.get $ok))
              (then
                (local.set $b (i32.const 0))
                (block $ws_done
                  (loop $ws
                    (br_if $ws_done (i32.ge_u (local.get $b) (local.get $row)))
                    (local.set $q (i32.add (local.get $Y) (local.get $b)))
                    (v128.store align=8 (local.get $q) (f64x2.mul (v128.load align=8 (local.get $q)) (local.get $inv)))
                    (local.set $b (i32.add (local.get $b) (i32.const 16)))
                    (br $ws)))
                (i32.store (local.get $flags) (i32.const 0)))
              (else (i32.store (local.get $flags) (i32.const 2))))))
        (local.set $Y (i32.add (local.get $Y) (local.get $row)))
        (local.set $ymax (i32.add (local.get $ymax) (i32.const 8)))
        (local.set $xmax (i32.add (local.get $xmax) (local.get $xstride)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $children))))
  ;; For node < n: z = vu * vw into out, sum = (z0 + z2 + ...) + (z1 + z3 + ...) (the two
  ;; lanes, each in ascending order). When max(0, max z) >= LOW: out = z * (1 / sum), flag 0;
  ;; else flag 1 (out holds z; the caller redoes the node in the log domain).
  (func (export "marginals")
    (param $vu i32) (param $vw i32) (param $out i32) (param $flags i32) (param $n i32) (param $S i32)
    (local $node i32) (local $row i32) (local $k i32) (local $z v128) (local $mx v128) (local $s v128)
    (local $inv v128) (local $p i32)
    (local.set $row (i32.shl (local.get $S) (i32.const 3)))
    (local.set $node (i32.const 0))
    (block $nodes_done
      (loop $nodes
        (br_if $nodes_done (i32.ge_u (local.get $node) (local.get $n)))
        (local.set $mx (v128.const f64x2 0 0))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $k (i32.const 0))
        (block $ks_done
          (loop $ks
            (br_if $ks_done (i32.ge_u (local.get $k) (local.get $row)))
            (local.set $z (f64x2.mul
              (v128.load align=8 (i32.add (local.get $vu) (local.get $k)))
              (v128.load align=8 (i32.add (local.get $vw) (local.get $k)))))
            (v128.store align=8 (i32.add (local.get $out) (local.get $k)) (local.get $z))
            (local.set $s (f64x2.add (local.get $s) (local.get $z)))
            (local.set $mx (f64x2.pmax (local.get $mx) (local.get $z)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $ks)))
        (if (f64.ge (call $lanemax (local.get $mx))
              (f64.const 0x1p-1000))
          (then
            (local.set $inv (f64x2.splat (f64.div (f64.const 1)
              (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))))
            (local.set $k (i32.const 0))
            (block $ws_done
              (loop $ws
                (br_if $ws_done (i32.ge_u (local.get $k) (local.get $row)))
                (local.set $p (i32.add (local.get $out) (local.get $k)))
                (v128.store align=8 (local.get $p) (f64x2.mul (v128.load align=8 (local.get $p)) (local.get $inv)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $ws)))
            (i32.store (local.get $flags) (i32.const 0)))
          (else (i32.store (local.get $flags) (i32.const 1))))
        (local.set $vu (i32.add (local.get $vu) (local.get $row)))
        (local.set $vw (i32.add (local.get $vw) (local.get $row)))
        (local.set $out (i32.add (local.get $out) (local.get $row)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (br $nodes))))
  ;; Leaf messages for n leaves of S entries e: mxs[i] = max_k e(k), ul = x = e - mxs[i]
  ;; (every entry; -Infinity throughout, v = 0, for an all -Infinity leaf) and v = exp(x),
  ;; inlined: x clamped at -746 (where exp is 0); k = nearest(32 x / ln2) by the 1.5 2^52
  ;; trick (ties to even), r = x - k ln2 / 32 with fdlibm's two-part ln2 (|r| <= ln2 / 64);
  ;; q = exp(r) - 1 by its Taylor polynomial to degree 6 in Estrin's form (truncation
  ;; < 4e-18); t + t q with t = tab[j] = 2^(j / 32) for k = 32 e + j, then 2^e1 and 2^(e - e1), e1 = floor(e / 2),
  ;; both normal, so that a subnormal result rounds once. Only float adds and multiplies,
  ;; pmax (JS's `x < m ? m : x`), a table read and exponents built from bits:
  ;; kernels/exp.ts is the same sequence of operations in JS, so the same bits.
  (func (export "leaves")
    (param $e0 i32) (param $v i32) (param $ul i32) (param $mxs i32) (param $n i32) (param $S i32) (param $tab i32)
    (local $i i32) (local $row i32) (local $kk i32) (local $mx v128) (local $sh v128) (local $M f64)
    (local $x v128) (local $k v128) (local $r v128) (local $a1 v128) (local $a2 v128) (local $e v128) (local $a v128)
    (local $r2 v128) (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $t v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $inv v128) (local $round v128) (local $lhi v128) (local $llo v128) (local $lo v128) (local $half v128) (local $quarter v128) (local $r32 v128) (local $o32 v128)
    (local.set $c0 (v128.const f64x2 1 1))
    (local.set $c1 (v128.const f64x2 1 1))
    (local.set $c2 (v128.const f64x2 0.5 0.5))
    (local.set $c3 (v128.const f64x2 0.16666666666666666 0.16666666666666666))
    (local.set $c4 (v128.const f64x2 0.041666666666666664 0.041666666666666664))
    (local.set $c5 (v128.const f64x2 0.008333333333333333 0.008333333333333333))
    (local.set $c6 (v128.const f64x2 0.001388888888888889 0.001388888888888889))
    (local.set $inv (v128.const f64x2 46.16624130844683 46.16624130844683))
    (local.set $round (v128.const f64x2 6755399441055744 6755399441055744))
    (local.set $lhi (v128.const f64x2 0.02166084938653512 0.02166084938653512))
    (local.set $llo (v128.const f64x2 5.9631716539705866e-12 5.9631716539705866e-12))
    (local.set $lo (v128.const f64x2 -746 -746))
    (local.set $half (v128.const f64x2 0.5 0.5))
    (local.set $quarter (v128.const f64x2 0.25 0.25))
    (local.set $r32 (v128.const f64x2 0.03125 0.03125))
    (local.set $o32 (v128.const f64x2 0.484375 0.484375))
    (local.set $row (i32.shl (local.get $S) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $leaves_done
      (loop $leaves
        (br_if $leaves_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $mx (v128.const f64x2 -inf -inf))
        (local.set $kk (i32.const 0))
        (block $ms_done
          (loop $ms
            (br_if $ms_done (i32.ge_u (local.get $kk) (local.get $row)))
            (local.set $mx (f64x2.pmax (local.get $mx) (v128.load align=8 (i32.add (local.get $e0) (local.get $kk)))))
            (local.set $kk (i32.add (local.get $kk) (i32.const 16)))
            (br $ms)))
        (local.set $M (call $lanemax (local.get $mx)))
        (f64.store (local.get $mxs) (local.get $M))
        (local.set $kk (i32.const 0))
        (if (f64.eq (local.get $M) (f64.const -inf))
          (then
            (block $zs_done
              (loop $zs
                (br_if $zs_done (i32.ge_u (local.get $kk) (local.get $row)))
                (v128.store align=8 (i32.add (local.get $ul) (local.get $kk)) (v128.const f64x2 -inf -inf))
                (v128.store align=8 (i32.add (local.get $v) (local.get $kk)) (v128.const f64x2 0 0))
                (local.set $kk (i32.add (local.get $kk) (i32.const 16)))
                (br $zs))))
          (else
            (local.set $sh (f64x2.splat (local.get $M)))
        (block $xs_done
          (loop $xs
            (br_if $xs_done (i32.ge_u (local.get $kk) (local.get $row)))
            (local.set $x (f64x2.sub (v128.load align=8 (i32.add (local.get $e0) (local.get $kk))) (local.get $sh)))
            (v128.store align=8 (i32.add (local.get $ul) (local.get $kk)) (local.get $x))
            (local.set $x (f64x2.pmax (local.get $x) (local.get $lo)))
            ;; k = nearest(32 x / ln2), r = x - k ln2 / 32 (|r| <= ln2 / 64)
            (local.set $a (f64x2.add (f64x2.mul (local.get $x) (local.get $inv)) (local.get $round)))
            (local.set $k (f64x2.sub (local.get $a) (local.get $round)))
            (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (local.get $lhi))) (f64x2.mul (local.get $k) (local.get $llo))))
            (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
            ;; q = exp(r) - 1 = r + (c2 + c3 r) r^2 + (c4 + c5 r + c6 r^2) r^4, and later t + t q
            (local.set $p1 (f64x2.add (local.get $c2) (f64x2.mul (local.get $c3) (local.get $r))))
            (local.set $p2 (f64x2.add (f64x2.add (local.get $c4) (f64x2.mul (local.get $c5) (local.get $r))) (f64x2.mul (local.get $c6) (local.get $r2))))
            (local.set $p0 (f64x2.add (f64x2.add (local.get $r) (f64x2.mul (local.get $p1) (local.get $r2))) (f64x2.mul (local.get $p2) (f64x2.mul (local.get $r2) (local.get $r2)))))
            ;; k = 32 e + j: e = floor(k / 32) and its halves e1 = floor(e / 2), e - e1 by the rounding trick
            (local.set $e (f64x2.sub (f64x2.add (f64x2.sub (f64x2.mul (local.get $k) (local.get $r32)) (local.get $o32)) (local.get $round)) (local.get $round)))
            ;; j = k mod 32: the low 5 bits of a = k + 1.5 2^52 (k's two's complement)
            (local.set $t (f64x2.replace_lane 1
              (f64x2.splat (f64.load (i32.add (local.get $tab)
                (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $a))) (i32.const 31)) (i32.const 3)))))
              (f64.load (i32.add (local.get $tab)
                (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $a))) (i32.const 31)) (i32.const 3))))))
            (local.set $p0 (f64x2.add (local.get $t) (f64x2.mul (local.get $t) (local.get $p0))))
            ;; a1 = e1 + 1.5 2^52: its low bits are e1, so (bits + 1023) << 52 is 2^e1
            (local.set $a1 (f64x2.add (f64x2.sub (f64x2.mul (local.get $e) (local.get $half)) (local.get $quarter)) (local.get $round)))
            (local.set $a2 (f64x2.add (f64x2.sub (local.get $e) (f64x2.sub (local.get $a1) (local.get $round))) (local.get $round)))
            (local.set $p0 (f64x2.mul (local.get $p0) (i64x2.shl (i64x2.add (local.get $a1) (v128.const i64x2 1023 1023)) (i32.const 52))))
            (local.set $p0 (f64x2.mul (local.get $p0) (i64x2.shl (i64x2.add (local.get $a2) (v128.const i64x2 1023 1023)) (i32.const 52))))
            (v128.store align=8 (i32.add (local.get $v) (local.get $kk)) (local.get $p0))
            (local.set $kk (i32.add (local.get $kk) (i32.const 16)))
            (br $xs)))))
        (local.set $e0 (i32.add (local.get $e0) (local.get $row)))
        (local.set $v (i32.add (local.get $v) (local.get $row)))
        (local.set $ul (i32.add (local.get $ul) (local.get $row)))
        (local.set $mxs (i32.add (local.get $mxs) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $leaves)))))
