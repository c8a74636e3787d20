/** |log σ| of the prior and posterior Gaussians never exceeds this (σ in [e^-B, e^B]); one place for every engine. */
export const LOG_SIGMA_BOUND = 10;

/** fcomb: this many (1×1 conv + ReLU) layers before the 1×1 conv to one logit (Kohl). */
export const FCOMB_LAYERS = 3;

/** The posterior sees image ⊕ (mask − this) (Kohl's shift of the one-hot mask). */
export const POSTERIOR_MASK_SHIFT = 0.5;
