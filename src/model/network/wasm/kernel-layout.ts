/**
 * The packed weight layout's one shared number, apart from the kernels' text (kernels-wat.ts)
 * so that the packer, which runs in every model worker, does not load the WAT generators.
 */
/** 4-lane accumulators per strip in the matvec inner loops. */
export const MATVEC_UNROLL = 8;
/** Output columns per packed group: one strip of MATVEC_UNROLL 4-lane accumulators. */
export const MATVEC_GROUP_COLUMNS = 4 * MATVEC_UNROLL;
