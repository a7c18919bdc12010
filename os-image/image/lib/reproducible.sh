# --check-reproducible for build-image.sh (sourced): builds the root twice from the same
# cached .debs and the same SOURCE_DATE_EPOCH, makes the root partition of each, and compares.
# When they differ it lists what differs (no diffoscope): a sorted find -printf of type,
# mode, owner, size, mtime and path, and a per-file sha256 diff.

# tree_listing DIR: one line per entry; per-file sha256 lines follow after a marker.
tree_listing() {
  (cd "$1" && find . -printf '%y %m %U:%G %s %T@ %p -> %l\n' | LC_ALL=C sort -k7)
}
tree_hashes() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

check_reproducible() {
  local work=$1 deb=$2 report a b
  report=$OUT/antiphon-$BOARD.reproducible.txt
  for run in a b; do
    log "reproducibility: root build $run"
    build_root "$work/root-$run" "$deb"
    make_ext4 "$work/root-$run" "$work/p2-$run.ext4" "$(root_size_mib "$work/root-a")" antiphon-root
  done
  a=$(sha256sum < "$work/p2-a.ext4" | cut -c1-64); b=$(sha256sum < "$work/p2-b.ext4" | cut -c1-64)
  {
    echo "board=$BOARD source_date_epoch=$SOURCE_DATE_EPOCH"
    echo "root_partition_sha256_a=$a"
    echo "root_partition_sha256_b=$b"
    diff <(tree_listing "$work/root-a") <(tree_listing "$work/root-b") > "$work/listing.diff" || true
    diff <(tree_hashes "$work/root-a") <(tree_hashes "$work/root-b") > "$work/hashes.diff" || true
    echo "metadata_lines_differing=$(grep -c '^[<>]' "$work/listing.diff" || true)"
    echo "files_with_different_content=$(grep -c '^<' "$work/hashes.diff" || true)"
    echo "--- files whose content differs (a, then b)"
    grep '^[<>]' "$work/hashes.diff" | awk '{print $1, $3}' | LC_ALL=C sort -k2 -s | head -100
    echo "--- metadata differences (type mode owner size mtime path)"
    grep '^[<>]' "$work/listing.diff" | head -100
  } > "$report"
  if [ "$a" = "$b" ]; then
    log "reproducible: both root partitions are sha256 $a"
    echo "reproducible=yes" >> "$report"
  else
    log "NOT reproducible: root partitions differ ($a vs $b); what differs is in $report"
    echo "reproducible=no" >> "$report"
  fi
  cat "$report" >&2
  echo "$report"
  [ "$a" = "$b" ]
}
