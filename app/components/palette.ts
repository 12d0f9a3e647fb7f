/**
 * Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale
 * print (each series also differs in lightness). Order matters: the first two carry most charts.
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const
