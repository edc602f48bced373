"""Everything that touches git; the only package that imports GitPython or runs git.

- `safety`: URL and ref policy, the environment and configuration every git call runs with,
  redaction of credentials.
- `store`: the clone cache under `<workdir>/repos/`: blobless bare clones, made in a temporary
  directory and renamed into place, re-made when broken; `ls-remote` for the no-op check.
- `plumbing`: reading a clone's object store (ls-tree, batched cat-file, fetching missing blobs
  from the promisor remote) and history (rename detection); reading the user's own repository.
- `lock`: the work directory lock.
"""
