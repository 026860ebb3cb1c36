/** A kit with its current composition, each component with the catalogue's unit figures. */
export interface KitView {
  id: number;
  code: string;
  name: string;
  householdSize: number;
  version: number;
  updatedAt: Date;
  components: {
    itemId: number;
    sku: string;
    name: string;
    quantity: number;
    unitWeightKg: string;
    unitVolumeM3: string;
  }[];
}
