import { Simulation, simulationOptionsFor, defaultTicks } from './src/sim/index.js';
const rows: string[] = [];
for (let seed = Number(process.argv[2] ?? 1); seed <= Number(process.argv[3] ?? 30); seed++) {
  const o = simulationOptionsFor(seed);
  const t = performance.now();
  const sim = new Simulation(o);
  const st = sim.runAll({ ticks: defaultTicks });
  rows.push(`${seed} q=${o.quiesce ?? false} g=${o.groups ?? 1} n=${o.nodes} ${(performance.now() - t).toFixed(0)}ms steps=${st.steps} quiesced=${st.quiesced} live=${st.livenessChanges} groupTicks=${st.groupTicks} ticks=${st.ticks}`);
}
console.log(rows.join('\n'));
