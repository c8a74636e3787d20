#!/usr/bin/python3
"""Golden values for src/metrics from an independent numpy/scipy reference.

Run:  /usr/bin/python3 scripts/golden/metrics_golden.py
Writes src/metrics/golden/metrics_golden.json (inputs + expected outputs, NaN as null).

References reproduced here (re-implemented from their definitions):
- GED, empty pairs excluded: Kohl et al. 2018 evaluation (`get_energy_distance_components`:
  IoU = TP/(TP+FP+FN), NaN when both masks are empty; then nanmean of d = 1 - IoU over each
  of the YS, SS, YY matrices, all ordered pairs incl. the diagonal).
- GED, empty pairs included: PHiSeg `generalised_energy_distance` (IoU = 1 for two empty masks,
  double loops over all ordered pairs, 2/(NM) sum d_sy - 1/N^2 sum d_ss - 1/M^2 sum d_yy).
- Hungarian IoU: raters tiled to the sample count, scipy.optimize.linear_sum_assignment on 1 - IoU.
- NCC: PHiSeg `variance_ncc_dist` on two-class maps [1 - p, p] with one-hot raters, eps 1e-8
  (NaN when a map is exactly constant, where PHiSeg's value is undefined).
- -CLL: -(logsumexp_j l_j - log m), l_j = sum log p_j(y), p clipped to [1e-7, 1 - 1e-7].
"""
import json
import os

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp

SEED = 20240607
IMAGES, SAMPLES, RATERS, H, W = 6, 16, 4, 16, 16
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'metrics', 'golden', 'metrics_golden.json')


# --- inputs ---------------------------------------------------------------------------------

def blob(rng, scale):
    """Ellipse-shaped soft blob logit field with a random centre and radii."""
    yy, xx = np.mgrid[0:H, 0:W]
    cy, cx = rng.uniform(3, H - 3), rng.uniform(3, W - 3)
    ry, rx = rng.uniform(1.5, 5), rng.uniform(1.5, 5)
    r2 = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2
    return scale * (1.0 - r2) + rng.normal(0, 0.8, size=(H, W))


def make_image(rng, kind):
    """Sample probabilities as integers k/1000 (exact in both languages) and binary rater masks."""
    base = blob(rng, 3.0)
    probs = []
    for s in range(SAMPLES):
        logit = base + rng.normal(0, 1.5) + rng.normal(0, 0.7, size=(H, W))
        if kind == 'empty_samples' or (kind != 'full' and s % 5 == 0):
            logit = logit - 50.0  # an empty sample
        p = 1.0 / (1.0 + np.exp(-logit))
        probs.append(np.clip(np.round(p * 1000), 1, 999).astype(np.int64).reshape(-1))
    raters = []
    for r in range(RATERS):
        m = (base + rng.normal(0, 1.0, size=(H, W)) > 0.5).astype(np.uint8)
        if kind == 'empty_raters' or (kind == 'one_empty_rater' and r == 2) or kind == 'all_empty':
            m[:] = 0
        raters.append(m.reshape(-1))
    if kind == 'all_empty':
        probs = [np.full(H * W, 100, dtype=np.int64) for _ in range(SAMPLES)]
    return np.stack(probs), np.stack(raters)


# --- references -----------------------------------------------------------------------------

def iou_kohl(a, b):
    tp = float(np.sum((a != 0) & (b != 0)))
    fp = float(np.sum((a != 0) & (b == 0)))
    fn = float(np.sum((a == 0) & (b != 0)))
    return np.nan if tp + fp + fn == 0 else tp / (tp + fp + fn)


def iou_phiseg(a, b):
    sa, sb = np.sum(a), np.sum(b)
    if sa == 0 and sb == 0:
        return 1.0
    if (sa > 0) != (sb > 0):
        return 0.0
    return np.sum((a != 0) & (b != 0)) / np.sum((a != 0) | (b != 0))


def ged_excluded(S, Y):
    d_ys = np.array([[1 - iou_kohl(y, s) for s in S] for y in Y])
    d_ss = np.array([[1 - iou_kohl(s, t) for t in S] for s in S])
    d_yy = np.array([[1 - iou_kohl(y, z) for z in Y] for y in Y])
    with np.errstate(all='ignore'):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', RuntimeWarning)
            return 2 * np.nanmean(d_ys) - np.nanmean(d_ss) - np.nanmean(d_yy)


def ged_included(S, Y):
    n, m = len(S), len(Y)
    d_sy = sum(1 - iou_phiseg(S[i], Y[j]) for i in range(n) for j in range(m))
    d_ss = sum(1 - iou_phiseg(S[i], S[j]) for i in range(n) for j in range(n))
    d_yy = sum(1 - iou_phiseg(Y[i], Y[j]) for i in range(m) for j in range(m))
    return (2.0 / (n * m)) * d_sy - (1.0 / n ** 2) * d_ss - (1.0 / m ** 2) * d_yy


def hungarian_iou(S, Y):
    tiled = [Y[c % len(Y)] for c in range(len(S))]
    iou = np.array([[iou_phiseg(s, t) for t in tiled] for s in S])
    rows, cols = linear_sum_assignment(1.0 - iou)
    return float(np.mean(iou[rows, cols]))


def mean_overlap(S, Y, dice):
    vals = []
    for s in S:
        for y in Y:
            j = iou_phiseg(s, y)
            vals.append(2 * j / (1 + j) if dice else j)
    return float(np.mean(vals))


def ncc_phiseg(P, Y, eps=1e-8):
    samp = np.stack([1.0 - P, P], axis=-1)                     # N x pixels x 2 (softmax)
    gt = np.stack([1.0 - Y, Y], axis=-1).astype(np.float64)   # M x pixels x 2 (one-hot)
    mean_seg = samp.mean(axis=0)

    def xent(s, t):
        return -np.sum(t * np.log(s + eps), axis=-1)

    gamma = np.mean([xent(s, mean_seg) for s in samp], axis=0)
    total = 0.0
    for g in gt:
        e_sy = np.mean([xent(s, g) for s in samp], axis=0)
        # A constant map has sigma = 0 and no defined correlation. PHiSeg's numpy code then yields
        # NaN or rounding noise (~1e-16) depending on summation order; both sides report NaN.
        if np.ptp(gamma) == 0 or np.ptp(e_sy) == 0:
            return np.nan
        a = (gamma - gamma.mean()) / (gamma.std() * len(gamma))
        v = (e_sy - e_sy.mean()) / e_sy.std()
        total += np.correlate(a, v)[0]
    return total / len(gt)


def neg_cll(P, y, eps=1e-7):
    p = np.clip(P, eps, 1 - eps)
    ll = np.sum(np.where(y[None, :] != 0, np.log(p), np.log(1 - p)), axis=1)
    return float(-(logsumexp(ll) - np.log(len(P))))


def num(x):
    x = float(x)
    return None if np.isnan(x) else x


def main():
    rng = np.random.default_rng(SEED)
    kinds = ['full', 'one_empty_rater', 'empty_raters', 'mixed', 'empty_samples', 'all_empty']
    images = []
    for idx, kind in enumerate(kinds[:IMAGES]):
        k, Y = make_image(rng, kind)
        P = k / 1000.0
        S = (P > 0.5).astype(np.uint8)
        with np.errstate(all='ignore'):
            nccv = ncc_phiseg(P, Y)
        entry = {
            'kind': kind,
            'probsPermille': [''.join('%03d' % v for v in row) for row in k],
            'raters': [''.join(str(int(v)) for v in row) for row in Y],
            'gedExcl': num(ged_excluded(S, Y)),
            'gedIncl': num(ged_included(S, Y)),
            'hmIou': num(hungarian_iou(S, Y)),
            'iou': num(mean_overlap(S, Y, dice=False)),
            'dice': num(mean_overlap(S, Y, dice=True)),
            'ncc': num(nccv),
            'negCll': num(np.mean([neg_cll(P, y) for y in Y])),
        }
        if idx == 0:
            mean = P.mean(axis=0)
            with np.errstate(all='ignore'):
                ent = -np.nan_to_num(mean * np.log(mean)) - np.nan_to_num((1 - mean) * np.log(1 - mean))
            entry['meanMap'] = mean.tolist()
            entry['stdMap'] = P.std(axis=0).tolist()
            entry['entropyMap'] = ent.tolist()
        images.append(entry)
    doc = {'seed': SEED, 'height': H, 'width': W, 'samples': SAMPLES, 'raters': RATERS, 'images': images}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    for e in images:
        print(e['kind'], {k: e[k] for k in ('gedExcl', 'gedIncl', 'hmIou', 'ncc', 'negCll')})


if __name__ == '__main__':
    main()
