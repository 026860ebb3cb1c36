import { getMetadataStorage, MetadataStorage } from 'class-validator';

type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Rules = ReturnType<Lookup>;

const cached = Symbol('relief-hub: validation metadata cached');

/**
 * Makes class-validator remember the rules it finds for a class. It looks them up afresh for
 * every object it validates (a dispatch body and each of its lines, again for Nest's check of
 * nested binary values): it filters the class's own rules, then tests the class against every
 * class that has rules (`instanceof`, for inherited ones), which was the largest part of a
 * dispatch's validation in the app's profile. Rules are added only while classes are declared,
 * so an answer holds until the next rule is added, and adding one forgets every answer.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const patched = storage as MetadataStorage & { [cached]?: true };
  if (patched[cached]) return;
  patched[cached] = true;
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let answers = new Map<unknown, Map<number | string, Rules>>();
  storage.addValidationMetadata = (metadata) => {
    answers = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // The options as a number in the usual case (no schema, no groups), else as text.
    const options = (always ? 1 : 0) + (strictGroups ? 2 : 0);
    const key =
      !schema && !groups ? options : `${options}\u0000${schema}\u0000${groups?.join('\u0000')}`;
    let byKey = answers.get(target);
    if (!byKey) answers.set(target, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
}
