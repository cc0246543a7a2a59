export const usage = `Usage: gitgate <command> [options]

Commands:
  check      Evaluate base...head of a local git repository exactly as the GitHub App judges a PR.
             The control plane (config, schemas) is read at --base.
  validate   Check files as they are in the working tree (for pre-commit hooks). Config from the
             working tree.
  approvals  Print the gitgate/approval verdict of a pull request on GitHub, as the App decides it.
             Reads GITHUB_TOKEN; GITHUB_API_URL for GitHub Enterprise (default https://api.github.com).
  guard      Replay the App's guard over a branch's history on GitHub: every commit with the pull
             request it came through, and every bypass. Reads GITHUB_TOKEN and GITHUB_API_URL too.
  evidence   Change-management evidence for a branch and a period, for auditors: each pull request
             that changed it (who wrote it, who approved which commit, who merged it and when, the
             checks on its merged head, the files it changed) and every bypass. Reads GITHUB_TOKEN.

Options for check:
  --repo DIR       repository (default: current directory)
  --base REF       the branch the change targets (default: origin/HEAD, main or master)
  --head REF       the change (default: HEAD)
  --config FILE    use this config file instead of .github/gitgate.yml at --base

Options for validate:
  --repo DIR       a folder of the repository (default: current directory); its git top level
                   holds .github/gitgate.yml
  --config FILE    use this config file
  --staged         check the staged files (the index, what the next commit holds) instead of the
                   working tree; config, schemas and policies also from the index
  PATH...          files, folders or quoted globs, relative to the current directory
                   (default: every governed file)

Options for approvals:
  --repo OWNER/NAME  the repository on GitHub
  --pr N             the pull request
  --app-id ID        the GitHub App whose gitgate/validate check runs to trust (default: the one App
                     that published gitgate/validate on the head)
  --format FMT       text (default) or json

Options for guard and evidence:
  --repo OWNER/NAME  the repository on GitHub
  --branch NAME      the branch (default: the repository's default branch)
  --since DATE       commits from this date on, e.g. 2026-05-01 (default: the last 30 days)
  --until DATE       commits up to this date, e.g. 2026-06-30 (its whole day; default: now)
  --app-id ID        the GitHub App whose check runs to trust (default: the one App that published
                     gitgate/validate on the branch's pull requests)
  --format FMT       guard: text (default) or json; evidence: markdown (default) or json

Common options:
  --format FMT     text (default), json, markdown or sarif
  --output FILE    write the report to FILE; standard output still gets the text summary
  --color, --no-color
                   colour the text output or not (default: on a terminal, unless NO_COLOR is set)
  -h, --help       show this help
  -v, --version    show the version

Exit status: 0 no errors, 1 error findings, 2 usage or config error.
approvals: 0 satisfied, 1 waiting or blocked, 2 usage error or could not decide.
guard, evidence: 0 every commit came through an approved pull request, 1 a bypass, 2 usage error or could
not decide.
`;
