import { EntitySchema } from 'typeorm';

export interface TypeCatalogueRow {
  id: string;
  name: string;
  description: string;
  /** Empty for seeded rows, which makes them immutable (§2.3). */
  creatorId: string;
  createdAt: Date;
}

const typeCatalogue = (name: string, tableName: string) =>
  new EntitySchema<TypeCatalogueRow>({
    name,
    tableName,
    columns: {
      id: { type: 'text', primary: true },
      name: { type: 'text' },
      description: { type: 'text' },
      creatorId: { name: 'creator_id', type: 'text', default: '' },
      createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    },
    // Case-insensitive uniqueness needs an expression index, which the migration creates by hand.
    indices: [{ name: `UQ_${tableName}_lower_name`, columns: ['name'], unique: true, synchronize: false }],
  });

export const UnitTypeEntity = typeCatalogue('UnitType', 'unit_types');
export const MetricTypeEntity = typeCatalogue('MetricType', 'metric_types');
