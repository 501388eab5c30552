// Warm path: open one session (GET / and POST /settings once), then run several completions
// on it at two requests each.
import { lastValueFrom, shareReplay, switchMap, toArray } from 'rxjs';
import { completion$, openSession } from '../lib';
import { startEmulator } from '../lib/testing';

const main = async () => {
  const emulator = await startEmulator();
  const session$ = openSession({ baseUrl: emulator.url }).pipe(shareReplay(1));
  const questions = ['What is RxJS?', 'What is a cold Observable?', 'Why cancel?'];
  try {
    for (const question of questions) {
      const answer = await lastValueFrom(
        session$.pipe(
          switchMap((session) =>
            completion$('falcon-40b', [{ role: 'user', content: question }], { session }),
          ),
          toArray(),
        ),
      );
      console.log(`> ${question}\n${answer.join('')}\n`);
    }
    const count = (step: string) => emulator.requests.filter((r) => r.step === step).length;
    console.log(
      `requests: ${count('session')} session, ${count('settings')} settings, ` +
        `${count('conversation')} conversation, ${count('stream')} stream`,
    );
  } finally {
    await emulator.close();
  }
};

void main();
