import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../env";
import * as schema from "./schema";

/** The one way to open the database: drizzle over the D1 binding, with the schema for relations. */
export const createDb = (d1: D1Database): Db => drizzle(d1, { schema });
