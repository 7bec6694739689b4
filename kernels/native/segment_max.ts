import { segmentKernel } from './segment-util.js';

// Rows of data grouped by segment id, accumulated in double (native/src/segment.cc).
export const segmentMax = segmentKernel('segment_max');
