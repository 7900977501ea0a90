// SDK objects → the core's snapshots: serialize back to the API's JSON shape (what kubectl prints)
// and hand that to the core's parsers, so live reads and saved dumps go through one code path.
import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
// ObjectSerializer is not re-exported from the package index; the package has no exports map.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { parseEvent, parseNode, parsePod } from '../../core/kube/parse.ts';
import type { EventSnapshot, NodeSnapshot, PodSnapshot } from '../../core/model.ts';

export function podToSnapshot(pod: V1Pod): PodSnapshot {
  return parsePod({ ...ObjectSerializer.serialize(pod, 'V1Pod'), kind: 'Pod' });
}

export function eventToSnapshot(event: CoreV1Event): EventSnapshot {
  return parseEvent({ ...ObjectSerializer.serialize(event, 'CoreV1Event'), kind: 'Event' });
}

export function nodeToSnapshot(node: V1Node): NodeSnapshot {
  return parseNode({ ...ObjectSerializer.serialize(node, 'V1Node'), kind: 'Node' });
}
