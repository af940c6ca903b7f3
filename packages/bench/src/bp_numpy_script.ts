/**
 * The numpy reference of `ghm bench bp`: batched float64 BP written the way a numpy
 * user would, one GEMM per child slot per level ([batch * nodes, S] x [S, S], OpenBLAS
 * with its default threads), messages scaled by one max per node, up + down + marginals.
 * RHM-style rules levels (k rules per parent) gather the children's entries instead.
 * It runs in a python3 child process that stays up for the whole case so that its
 * repetitions interleave with runBP's; it times itself (perf_counter and process CPU
 * time), so process start and data loading are never counted.
 */
export const NUMPY_BP_SCRIPT = `import json, sys, time, tracemalloc
import numpy as np

def load(path):
    meta = json.load(open(path + ".json"))
    raw = np.fromfile(path + ".bin", dtype=np.float64)
    pos = 0
    def take(n, shape):
        nonlocal pos
        a = raw[pos:pos + n].reshape(shape); pos += n; return a
    L, m, vocab, B = meta["L"], meta["m"], meta["vocab"], meta["batch"]
    pi = take(vocab[0], (vocab[0],))
    levels = []
    for l, kind in enumerate(meta["kinds"]):
        Sp, Sc = vocab[l], vocab[l + 1]
        if kind == "product":
            levels.append(("product", [take(Sp * Sc, (Sp, Sc)) for _ in range(m)]))
        else:
            k = meta["k"][l]
            ch = take(Sp * k * m, (Sp, k, m)).astype(np.int64)
            p = take(Sp * k, (Sp, k))
            G = []
            for j in range(m):
                g = np.zeros((Sp * k, Sc)); g[np.arange(Sp * k), ch[:, :, j].ravel()] = 1; G.append(g)
            levels.append(("rules", (ch, p, G)))
    d = m ** L
    e = take(B * d * vocab[L], (B, d, vocab[L]))
    return meta, pi, levels, e

def bp(meta, pi, levels, e):
    L, m, vocab = meta["L"], meta["m"], meta["vocab"]
    B = e.shape[0]
    mx = e.max(-1, keepdims=True)
    logZ = mx[:, :, 0].sum(-1)
    V = [None] * (L + 1); V[L] = np.exp(e - mx)
    T = [None] * (L + 1)
    for l in range(L, 0, -1):
        kind, K = levels[l - 1]
        N = m ** (l - 1); Sc, Sp = vocab[l], vocab[l - 1]
        C = V[l].reshape(B * N, m * Sc)
        if kind == "product":
            T[l] = [C[:, j * Sc:(j + 1) * Sc] @ K[j].T for j in range(m)]  # one GEMM per child per level
            P = T[l][0].copy()
            for j in range(1, m): P *= T[l][j]
        else:
            ch, p, _ = K
            P = p * C[:, ch[:, :, 0]]
            for j in range(1, m): P *= C[:, j * Sc + ch[:, :, j]]
            P = P.sum(-1)
        s = P.max(-1, keepdims=True)
        P /= s
        logZ += np.log(s[:, 0]).reshape(B, N).sum(-1)
        V[l - 1] = P.reshape(B, N, Sp)
    r = pi * V[0][:, 0, :]
    z = r.sum(-1, keepdims=True)
    logZ += np.log(z[:, 0])
    marg = [None] * (L + 1); marg[0] = (r / z)[:, None, :]
    W = np.broadcast_to(pi / pi.max(), (B, vocab[0])).reshape(B, vocab[0])
    for l in range(1, L + 1):
        kind, K = levels[l - 1]
        N = m ** (l - 1); Sc, Sp = vocab[l], vocab[l - 1]
        Wc = np.empty((B * N, m * Sc))
        for j in range(m):
            if kind == "product":
                X = W.copy()
                for k in range(m):
                    if k != j: X *= T[l][k]
                Y = X @ K[j]  # one GEMM per child per level
            else:
                ch, p, G = K
                C = V[l].reshape(B * N, m * Sc)
                X = W[:, :, None] * p
                for k in range(m):
                    if k != j: X = X * C[:, k * Sc + ch[:, :, k]]
                Y = X.reshape(B * N, -1) @ G[j]
            Y /= Y.max(-1, keepdims=True)
            Wc[:, j * Sc:(j + 1) * Sc] = Y
        W = Wc.reshape(B * N * m, Sc)
        M = V[l].reshape(B * N * m, Sc) * W
        marg[l] = (M / M.sum(-1, keepdims=True)).reshape(B, N * m, Sc)
        del M
    return logZ, marg

meta, pi, levels, e = load(sys.argv[1])
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "quit": break
    if cmd == "check":
        tracemalloc.start()
        logZ, marg = bp(meta, pi, levels, e)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out = {"ms": 0, "cpuMs": 0, "logZ": [None if not np.isfinite(x) else float(x) for x in logZ],
               "marginals": [x.ravel()[: meta["sample"]].tolist() for x in marg], "peakBytes": peak}
    else:
        c0 = time.process_time(); t0 = time.perf_counter()
        logZ, marg = bp(meta, pi, levels, e)
        t1 = time.perf_counter(); c1 = time.process_time()
        out = {"ms": 1000 * (t1 - t0), "cpuMs": 1000 * (c1 - c0)}
    print(json.dumps(out), flush=True)
`;
