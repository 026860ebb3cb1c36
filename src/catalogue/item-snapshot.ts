/** What a stock or dispatch line needs of an item, weights exact as numeric strings. */
export interface ItemSnapshot {
  id: number;
  sku: string;
  name: string;
  unit: string;
  unitWeightKg: string;
  unitVolumeM3: string;
}
