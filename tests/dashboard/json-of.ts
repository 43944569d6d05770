// JsonOf<T>: the shape of T as JSON, for checking a dashboard file against
// Grafana's published types (@grafana/schema).  The only difference from T:
// string enums (ThresholdsMode, FieldColorModeId, MappingType...) become
// the union of their values ("absolute" | "percentage"), since a JSON file
// holds the value, not the enum member.  Numeric enums accept their numbers
// as they are.  Everything else (required fields, field names and types,
// excess properties in object literals) is checked as Grafana declares it.
export type JsonOf<T> =
  T extends string ? `${T}` :
  T extends ReadonlyArray<infer U> ? Array<JsonOf<U>> :
  T extends object ? { [K in keyof T]: JsonOf<T[K]> } :
  T;
