import assert from 'node:assert/strict';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

export const catalogScenarios: ScenarioGroup = {
  title: 'catalog',
  scenarios: [
    {
      name: 'lists flavors, zones, hypervisors and volume types',
      async run(env) {
        const { catalog } = env.provider;
        const flavors = await catalog.listFlavors({}, env.signal);
        assert.ok(flavors.length > 0, 'no flavors');
        for (const f of flavors) assert.ok(f.vcpus > 0 && f.ramMiB > 0, `bad flavor ${f.name}`);
        const first = flavors[0]!;
        assert.deepEqual(await catalog.getFlavor({ name: first.name }, env.signal), first);
        const zones = await catalog.listZones({}, env.signal);
        assert.ok(zones.length > 0, 'no zones');
        const zoneNames = new Set(zones.map((z) => z.name));
        const hypervisors = await catalog.listHypervisors({}, env.signal);
        assert.ok(hypervisors.length > 0, 'no hypervisors');
        for (const h of hypervisors) assert.ok(zoneNames.has(h.zone), `${h.name}: unknown zone`);
        const zone = zones[0]!.name;
        const inZone = await catalog.listHypervisors({ zone }, env.signal);
        assert.deepEqual(
          inZone.map((h) => h.name).sort(),
          hypervisors
            .filter((h) => h.zone === zone)
            .map((h) => h.name)
            .sort(),
        );
        assert.ok((await catalog.listVolumeTypes({}, env.signal)).length > 0, 'no volume types');
      },
    },
    {
      name: 'an unknown flavor is NOT_FOUND',
      async run(env) {
        await rejectsWithCode(
          env.provider.catalog.getFlavor({ name: 'no-such-flavor' }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'getFlavor(no-such-flavor)',
        );
      },
    },
  ],
};
