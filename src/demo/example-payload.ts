import webhookExamples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };

type Example = { name: string; examples: Record<string, unknown>[] };

/**
 * A real webhook payload from @octokit/webhooks-examples, pointed at a repository and installation:
 * every other field is what GitHub really sends.
 */
export function examplePayload(
  event: string,
  action: string | undefined,
  target: { owner: string; repo: string; installationId: number },
  patch: (payload: Record<string, any>) => void = () => undefined, // eslint-disable-line @typescript-eslint/no-explicit-any
): Record<string, unknown> {
  const examples = (webhookExamples as unknown as Example[]).find((e) => e.name === event)!.examples;
  const example = examples.find((e) => (action === undefined || e.action === action) && e.installation) ?? examples.find((e) => action === undefined || e.action === action)!;
  const payload = structuredClone(example) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.installation = { ...(payload.installation ?? {}), id: target.installationId };
  payload.repository = { ...payload.repository, name: target.repo, full_name: `${target.owner}/${target.repo}`, owner: { ...payload.repository.owner, login: target.owner } };
  patch(payload);
  return payload;
}
