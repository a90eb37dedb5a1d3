import type { Knex } from 'knex';
import { listLocations, type Location } from '../../db/repositories/locations';

export interface LocationService {
  /** Every location, so that filters can offer them all (the buyers' page, ERP mappings). */
  list(): Promise<Location[]>;
}

export function createLocationService(db: Knex): LocationService {
  return { list: () => listLocations(db) };
}
