import type { IgnoreReason, Review } from "./approval-types.js";

/** Where one reviewer stands: what their latest non-comment review says, and which approvals it voided. */
export interface ReviewerStanding {
  user: string;
  /** Their latest approval, when their latest non-comment review is one. */
  approval?: { commitId: string; submittedAt: string };
  requestsChanges: boolean;
  /** Approvals of theirs that a later review voided. */
  voided: { commitId: string; reason: Extract<IgnoreReason, "changes-requested" | "dismissed"> }[];
}

/**
 * The latest non-comment review of each reviewer decides: a later "changes requested" voids an earlier
 * approval, and dismissing that request does not bring the approval back (the dismissed review is still
 * the latest one). Comments and pending drafts change nothing.
 */
export function reviewerStandings(reviews: readonly Review[]): ReviewerStanding[] {
  const byUser = new Map<string, Review[]>();
  reviews
    .map((review, order) => ({ review, order }))
    .filter(({ review }) => review.state !== "COMMENTED" && review.state !== "PENDING")
    // Reviews of one user are ordered by time; equal times keep the order GitHub listed them in.
    .sort((a, b) => a.review.submittedAt.localeCompare(b.review.submittedAt) || a.order - b.order)
    .forEach(({ review }) => {
      const user = review.user.toLowerCase();
      byUser.set(user, [...(byUser.get(user) ?? []), review]);
    });
  return [...byUser].map(([user, list]) => {
    const latest = list.at(-1)!;
    const earlier = list.slice(0, -1).filter((r) => r.state === "APPROVED");
    const reason = latest.state === "CHANGES_REQUESTED" ? "changes-requested" as const : "dismissed" as const;
    return {
      user,
      ...(latest.state === "APPROVED" ? { approval: { commitId: latest.commitId, submittedAt: latest.submittedAt } } : {}),
      requestsChanges: latest.state === "CHANGES_REQUESTED",
      // An approval followed by another approval is simply replaced; anything else voids it.
      voided: latest.state === "APPROVED" ? [] : [...earlier, ...(latest.state === "DISMISSED" ? [latest] : [])].map((r) => ({ commitId: r.commitId, reason })),
    };
  });
}
