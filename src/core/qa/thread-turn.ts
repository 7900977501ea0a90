// One question or answer in an incident's Slack thread. The schema is what the store validates
// when it writes or reads a turn, so an old or tampered entry is skipped instead of trusted.
import { z } from 'zod';

export const ThreadTurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  userId: z.string().optional(),
  at: z.string().optional(),
});
export type ThreadTurn = z.infer<typeof ThreadTurnSchema>;
