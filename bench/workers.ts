// Data-parallel fit: the character workload of bench/torch.ts (V = 65 token ids, H = 128, T = 50,
// batches of 32, Adam) trained on this thread (fit) and with fitAsync in 1 and 2 workers, in
// interleaved rounds. Sequences per second over the epochs after the first (steady state), the
// speed-up of 2 workers over 1 and its efficiency (speed-up / 2), and how long starting the
// workers took (the first epoch's time beyond a steady one).
import os from 'node:os';
import { init, RNN, type CellName, type FitOptions } from 'rnn-wasm';
import { CELL_NAMES, CHAR, charData, median, table } from './measure.js';

const ROUNDS = Number(process.env.WORKER_ROUNDS ?? 5);
const EPOCHS = 3;

interface Sample {
  rate: number;
  startup: number;
}

async function sample(cell: CellName, workers: number): Promise<Sample> {
  const { examples } = charData();
  const rnn = new RNN(CHAR.V, CHAR.H, CHAR.V, { seed: 1, input: 'index', cell });
  const stamps: number[] = [];
  const options: FitOptions = {
    epochs: EPOCHS, batchSize: CHAR.B, optimizer: 'adam', learningRate: CHAR.learningRate,
    onProgress: () => void stamps.push(performance.now()),
  };
  const start = performance.now();
  if (workers === 0) rnn.fit(examples, options);
  else await rnn.fitAsync(examples, { ...options, workers });
  const steady = (stamps[EPOCHS - 1] - stamps[0]) / (EPOCHS - 1);
  rnn.dispose();
  return { rate: (examples.length * 1000) / steady, startup: Math.max(0, stamps[0] - start - steady) };
}

export async function workersTable(): Promise<void> {
  await init('simd');
  console.log(`\ndata-parallel fit on ${os.availableParallelism()} cores: the character model (V = ${CHAR.V} ids, H = ${CHAR.H}, T = ${CHAR.T}, batches of ${CHAR.B} in shards of 8, Adam), ${CHAR.N} sequences an epoch, sequences per second after the first epoch (higher is better), median of ${ROUNDS} interleaved rounds\n`);
  const configs = [0, 1, 2];
  const rows: string[][] = [];
  for (const cell of CELL_NAMES) {
    await sample(cell, 2); // warm up
    const samples = configs.map((): Sample[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < configs.length; k++) {
        const j = (k + round) % configs.length;
        samples[j].push(await sample(cell, configs[j]));
      }
    }
    const [here, one, two] = samples.map((s) => median(s.map((x) => x.rate)));
    const startup = median(samples[2].map((x) => x.startup));
    rows.push([
      cell, here.toFixed(0), one.toFixed(0), two.toFixed(0),
      `${(two / one).toFixed(2)}x`, `${((100 * two) / one / 2).toFixed(0)}%`, `${(two / here).toFixed(2)}x`, startup.toFixed(0),
    ]);
  }
  console.log(table(['cell', 'fit, this thread', '1 worker', '2 workers', '2 / 1 worker', 'efficiency', '2 workers / fit', 'start-up ms'], rows));
}
