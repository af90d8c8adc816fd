# Sourced by Berth's scripts (and bin/berth): puts Berth's pinned Node.js LTS (.node-version)
# first on PATH, installing it into the cache when missing, and points native addon builds at its
# headers. Needs $root (the repository) set by the caller.
berth_node_version=$(tr -d '[:space:]' <"$root/.node-version")
berth_node_dir="${BERTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/berth}/node/v$berth_node_version"
if [[ ! -x $berth_node_dir/bin/node ]]; then
  "$root/scripts/install-node" >&2
fi
export PATH="$berth_node_dir/bin:$PATH"
# better-sqlite3 compiles against these headers: no download, and the ABI of the Node that runs it.
export npm_config_nodedir="$berth_node_dir"
