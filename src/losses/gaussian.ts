import type { Tensor } from '../tensor/tensor.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(z; μ, diag σ²) summed over the latent dim: z, μ, log σ [B, L] → [B] */
export function diagNormalLogPdf(z: Tensor, mu: Tensor, logSigma: Tensor): Tensor {
  const u = z.sub(mu).div(logSigma.exp()); // [B, L]
  return u
    .square()
    .mul(-0.5)
    .sub(logSigma)
    .sub(0.5 * LOG_2PI)
    .sum([-1]);
}

/** Analytic KL(q‖p) of diagonal Gaussians summed over the latent dim → [B] */
export function klDiagNormal(muQ: Tensor, logSigmaQ: Tensor, muP: Tensor, logSigmaP: Tensor): Tensor {
  const varQ = logSigmaQ.mul(2).exp();
  const varP = logSigmaP.mul(2).exp();
  return logSigmaP
    .sub(logSigmaQ)
    .add(varQ.add(muQ.sub(muP).square()).div(varP.mul(2)))
    .sub(0.5)
    .sum([-1]);
}
