// The handshake's messages, loaded at startup from the repository's protos/
// (the source of truth; nothing is generated), with protobufjs.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

/** protos/ of the repository, from dist/ or src/. */
export const PROTOS_DIR = path.resolve(__dirname, '..', '..', '..', 'protos');
const AGENT = 'ai.stigmer.agentic.agentexecution.v1';
const WORKFLOW = 'ai.stigmer.agentic.workflowexecution.v1';

const root = new protobuf.Root();
root.loadSync(
  [
    path.join(PROTOS_DIR, 'ai/stigmer/agentic/agentexecution/v1/agentexecution.proto'),
    path.join(PROTOS_DIR, 'ai/stigmer/agentic/workflowexecution/v1/workflowexecution.proto'),
  ],
  { keepCase: true },
);
root.resolveAll();

/** A message as a plain object: snake_case fields, enums by name, bytes as Buffer. */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One message type with the conversions the callee needs. */
export class MessageType {
  readonly type: protobuf.Type;
  constructor(fullName: string) {
    this.type = root.lookupType(fullName);
  }
  get fullName(): string {
    return this.type.fullName.replace(/^\./, '');
  }
  /**
   * Decodes wire bytes; unknown fields are dropped, strings must be valid
   * UTF-8 (protobufjs verifies proto3 strings). Throws on invalid input.
   */
  decode(bytes: Uint8Array): Obj {
    return this.toObject(this.type.decode(bytes));
  }
  encode(object: Obj): Buffer {
    return Buffer.from(this.type.encode(this.type.fromObject(object)).finish());
  }
  private toObject(message: protobuf.Message): Obj {
    return this.type.toObject(message, { enums: String, longs: Number });
  }
}

/** The messages of one path (agent or workflow). */
export interface PathMessages {
  execution: MessageType;
  id: MessageType;
  service: string; // the package, e.g. ai.stigmer.agentic.agentexecution.v1
  prefix: 'AgentExecution' | 'WorkflowExecution';
}

export const AGENT_MESSAGES: PathMessages = {
  execution: new MessageType(`${AGENT}.AgentExecution`),
  id: new MessageType(`${AGENT}.AgentExecutionId`),
  service: AGENT,
  prefix: 'AgentExecution',
};

export const WORKFLOW_MESSAGES: PathMessages = {
  execution: new MessageType(`${WORKFLOW}.WorkflowExecution`),
  id: new MessageType(`${WORKFLOW}.WorkflowExecutionId`),
  service: WORKFLOW,
  prefix: 'WorkflowExecution',
};
