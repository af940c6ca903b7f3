// Convolution as GEMM: geometry of the patches and the JS loops that gather them (im2col)
// or scatter-add back (col2im) when they are not a plain reshape of the input. Layout is
// NHWC; patch p = (n*outH + oh)*outW + ow, patch element k = (i*fw + j)*inC + c, which
// matches the row-major filter [fh, fw, inC, outC] viewed as [K, outC].
import * as tf from "@tensorflow/tfjs";

export interface ConvGeometry {
  info: tf.backend_util.Conv2DInfo;
  /** Number of patches N*outH*outW. */
  P: number;
  /** Patch length fh*fw*inC. */
  K: number;
  /**
   * True when patches are disjoint and tile the input exactly along one row (kernel =
   * stride, no padding, fh = 1: a 1D conv with kernel m, stride m): then [N,1,W,C] is
   * already the patch matrix [P, K] after a reshape.
   */
  tiles: boolean;
}

export function convGeometry(
  kernel: string,
  inShape: number[],
  filterShape: number[],
  attrs: {
    strides: [number, number] | number;
    pad: tf.Conv2DBackpropFilterAttrs["pad"];
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
  },
): ConvGeometry {
  if (attrs.dataFormat !== "NHWC") {
    throw new Error(`${kernel}: dataFormat "${attrs.dataFormat}" is not supported on wasm; use NHWC (channelsLast)`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const P = info.batchSize * info.outHeight * info.outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const tiles =
    info.filterHeight === 1 &&
    info.strideHeight === 1 &&
    info.inHeight === info.outHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outWidth * info.filterWidth === info.inWidth;
  return { info, P, K, tiles };
}

/** colsT[k*P + p] = x at patch p, element k (0 in the padding). */
export function im2colT(g: ConvGeometry, x: Float32Array, colsT: Float32Array): void {
  const { info, P } = g;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const { dilationHeight: DH, dilationWidth: DW } = info;
  const { top, left } = info.padInfo;
  colsT.fill(0);
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const p = (n * OH + oh) * OW + ow;
        for (let i = 0; i < FH; i++) {
          const h = oh * SH + i * DH - top;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < FW; j++) {
            const w = ow * SW + j * DW - left;
            if (w < 0 || w >= W) continue;
            const xBase = ((n * H + h) * W + w) * C;
            const kBase = (i * FW + j) * C;
            for (let c = 0; c < C; c++) colsT[(kBase + c) * P + p] = x[xBase + c];
          }
        }
      }
    }
  }
}

/** dx += each patch row of cols [P, K] added back at its input position. */
export function col2im(g: ConvGeometry, cols: Float32Array, dx: Float32Array): void {
  const { info, K } = g;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const { dilationHeight: DH, dilationWidth: DW } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const pBase = ((n * OH + oh) * OW + ow) * K;
        for (let i = 0; i < FH; i++) {
          const h = oh * SH + i * DH - top;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < FW; j++) {
            const w = ow * SW + j * DW - left;
            if (w < 0 || w >= W) continue;
            const xBase = ((n * H + h) * W + w) * C;
            const kBase = pBase + (i * FW + j) * C;
            for (let c = 0; c < C; c++) dx[xBase + c] += cols[kBase + c];
          }
        }
      }
    }
  }
}
