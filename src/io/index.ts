/**
 * `kullback/io`: numeric CSV tables and NumPy `.npy` arrays, as the CLI reads and writes them.
 */
export { parseCsv, formatCsv, formatCsvNumber, type CsvTable, type CsvOptions } from "./csv.js";
export { readNpy, writeNpy, isNpy, encodeNpyHeader, float64LE } from "./npy.js";
