import { IsInt, IsString, MetadataStorage, validate } from 'class-validator';
import { cacheValidationMetadata } from './metadata-cache.js';

class Base {
  @IsString()
  name: string;
}

class Derived extends Base {
  @IsInt()
  count: number;
}

const names = (rules: { propertyName: string }[]) => rules.map((r) => r.propertyName).sort();

describe('cacheValidationMetadata', () => {
  it('answers as class-validator does, own and inherited rules, and remembers the answer', () => {
    const storage = new MetadataStorage();
    const plain = new MetadataStorage();
    for (const target of [storage, plain]) {
      target.addValidationMetadata({
        target: Base,
        propertyName: 'name',
        type: 'customValidation',
      } as never);
      target.addValidationMetadata({
        target: Derived,
        propertyName: 'count',
        type: 'customValidation',
      } as never);
    }
    cacheValidationMetadata(storage);
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(names(first)).toEqual(['count', 'name']);
    expect(names(first)).toEqual(
      names(plain.getTargetValidationMetadatas(Derived, '', false, false)),
    );
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    // other options are other answers
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false, ['g'])).not.toBe(first);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).not.toBe(first);
  });

  it('forgets its answers when a rule is added', () => {
    const storage = new MetadataStorage();
    cacheValidationMetadata(storage);
    storage.addValidationMetadata({
      target: Base,
      propertyName: 'name',
      type: 'customValidation',
    } as never);
    expect(names(storage.getTargetValidationMetadatas(Derived, '', false, false))).toEqual([
      'name',
    ]);
    storage.addValidationMetadata({
      target: Derived,
      propertyName: 'count',
      type: 'customValidation',
    } as never);
    expect(names(storage.getTargetValidationMetadatas(Derived, '', false, false))).toEqual([
      'count',
      'name',
    ]);
  });

  it('is applied once however often it is asked, and validation still refuses', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    const bad = Object.assign(new Derived(), { name: 7, count: 'x' });
    const errors = await validate(bad);
    expect(errors.map((e) => e.property).sort()).toEqual(['count', 'name']);
    const good = Object.assign(new Derived(), { name: 'a', count: 1 });
    expect(await validate(good)).toEqual([]);
  });
});
