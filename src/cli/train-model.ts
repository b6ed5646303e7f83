// The one place the command line trains a model: `trainAsync` on a single sequence, or `fitAsync`
// over the chunks of a text read as streams side by side, a batch of one chunk of each per update
// (as char-rnn trains; one stream, as min-char-rnn trains, with --batch 1). Async, so that Ctrl-C
// (through `signal`) can stop it between updates.
import type { Dataset, TextDataset } from '../datasets.js';
import { DEFAULT_LEARNING_RATES, OPTIMIZERS, type OptimizerName } from '../optimizers.js';
import type { RNN } from '../rnn.js';
import type { SeriesDataset } from '../series.js';
import type { Progress, TrainResult } from '../training-options.js';

export { DEFAULT_LEARNING_RATES, OPTIMIZERS, type OptimizerName };

/** What to train on: one sequence, or the chunks of a text (then an iteration is an epoch). */
export interface TrainingData {
  data: Dataset;
  /** A text's chunks, in the order of its `streams` streams side by side (see textDataset). */
  text?: TextDataset<'index'> & { streams: number };
  /** A series: its training windows, and the held-out ones (empty when none are held out). */
  series?: Pick<SeriesDataset, 'train' | 'test'>;
}

export interface TrainModelOptions {
  optimizer: OptimizerName;
  learningRate: number;
  iterations: number;
  /** Called after each iteration's loss with the iterations done so far (and a series' validation loss). */
  onProgress?: (done: number, loss: number, validationLoss?: number) => void;
  signal?: AbortSignal;
  /** Compute each batch (of a text or a series) in this many workers, in shards of WORKER_SHARD sequences. */
  workers?: number;
}

/**
 * The sequences of a shard with --workers: a series' batch of 8 windows is 2 shards, a text's
 * default batch of 16 chunks 4, so 2 workers share either evenly. Fixed, so that every number of
 * workers gives the same bits.
 */
export const WORKER_SHARD = 4;

/** The most workers --workers takes, as fitAsync does. */
export { MAX_WORKERS } from '../training-options.js';

/** A text's id sequences as one-hot vectors, for a text model written before text models read ids. */
function oneHotSequences(text: TextDataset<'index'>): { xs: Float64Array[]; targets: number[] }[] {
  const V = text.vocab.length;
  return text.sequences.map(({ xs, targets }) => ({
    xs: xs.map((id) => {
      const x = new Float64Array(V);
      x[id] = 1;
      return x;
    }),
    targets,
  }));
}

/** Trains `rnn` and returns every iteration's loss and why training stopped. */
export async function trainModel(rnn: RNN, task: TrainingData, options: TrainModelOptions): Promise<Pick<TrainResult, 'losses' | 'stopped'>> {
  const { optimizer, learningRate, iterations, onProgress, signal, workers } = options;
  const schedule = {
    optimizer, learningRate, signal, ...(workers === undefined ? {} : { workers, shardSize: WORKER_SHARD }),
    onProgress: ({ iteration, loss, validationLoss }: Progress) => onProgress?.(iteration + 1, loss, validationLoss),
  };
  if (task.series !== undefined) {
    // Windows of one series overlap: batches of 8 in a shuffled order (seeded, so that a run
    // repeats) train faster than one window per update.
    const { train, test } = task.series;
    const { losses, stopped } = await rnn.fitAsync(train, {
      epochs: iterations, batchSize: 8, shuffle: true, seed: 1, ...(test.length > 0 ? { validation: test } : {}), ...schedule,
    });
    return { losses, stopped };
  }
  const { losses, stopped } = task.text === undefined
    ? await rnn.trainAsync(task.data.xs, task.data.targets as number[], { iterations, ...schedule })
    : await rnn.fitAsync(rnn.input === 'index' ? task.text.sequences : oneHotSequences(task.text), {
      epochs: iterations, carryState: true, batchSize: task.text.streams, ...schedule,
    });
  return { losses, stopped };
}
