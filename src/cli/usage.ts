export const usage = `Usage: gitgate <command> [options]

Commands:
  check      Evaluate base...head of a local git repository exactly as the GitHub App judges a PR.
             The control plane (config, schemas) is read at --base.
  validate   Check files as they are in the working tree (for pre-commit hooks). Config from the
             working tree.

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

Common options:
  --format FMT     text (default), json, markdown or sarif
  --output FILE    write the report to FILE instead of standard output
  -h, --help       show this help
  -v, --version    show the version

Exit status: 0 no errors, 1 error findings, 2 usage or config error.
`;
