import type { Tensor } from '../tensor/tensor.js';
import { diagNormalLogPdf, klDiagNormal } from './gaussian.js';

export type KlMode = 'analytic' | 'mc';

export interface ElboInput {
  /** [] reconstruction term (pixelSumBce) */
  ce: Tensor;
  /** posterior base q0: [B, L] */
  muQ: Tensor;
  logSigmaQ: Tensor;
  /** prior p: [B, L] */
  muP: Tensor;
  logSigmaP: Tensor;
  /** z0 ~ q0 and zK = flow(z0): [B, L] */
  z0: Tensor;
  zK: Tensor;
  /** Σ_k log|det J_k| [B] (zeros without a flow) */
  logDet: Tensor;
  beta: number;
  /** Without a flow: analytic KL(q‖p) or its one-sample estimate. With a flow: always 'mc'. */
  klMode: KlMode;
  hasFlow: boolean;
}

export interface ElboParts {
  loss: Tensor;
  ce: Tensor;
  /** batch mean of the bracket: log q0(z0) − Σ log|det J| − log p(zK) (or analytic KL) */
  kl: Tensor;
  /** batch mean of Σ log|det J| */
  logDet: Tensor;
}

/** L = CE + β·[log q0(z0) − Σ log|det J_k| − log p(zK)] (MODEL.md; seed 000 eq. 6). Uses z0 in the base density (the cFlow code's zK there is wrong). */
export function elbo(i: ElboInput): ElboParts {
  const perItem =
    !i.hasFlow && i.klMode === 'analytic'
      ? klDiagNormal(i.muQ, i.logSigmaQ, i.muP, i.logSigmaP)
      : diagNormalLogPdf(i.z0, i.muQ, i.logSigmaQ)
          .sub(i.logDet)
          .sub(diagNormalLogPdf(i.zK, i.muP, i.logSigmaP)); // [B]
  const kl = perItem.mean();
  return { loss: i.ce.add(kl.mul(i.beta)), ce: i.ce, kl, logDet: i.logDet.mean() };
}
