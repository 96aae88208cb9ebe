//! Every hash smpsite keeps, in one place. None is cryptographic: they tell an edit or
//! a copied record, not a deliberate forgery. All use foldhash with fixed seeds, so the
//! same input gives the same value in every run and on every machine.
//!
//! | function | bits | what it covers | who keeps it |
//! | --- | --- | --- | --- |
//! | [`of`] | 128 | a file's bytes | `output`'s manifest (on disk: what smpsite wrote), serve's live folder, a photo the build read (`source`), the stylesheet's name (`style.<hash>.css`) |
//! | [`photo_key`] | 128 | a photo's bytes, its format and the processing settings | the names of `photo-cache/` entries (on disk) |
//! | [`hash_of`], [`hasher`] | 64 | values in memory: a page's front matter (`Doc::meta_hash`, `shape_hash`), a rendered body, the link world, each output file's render key | serve, to tell what a save changed; never written |
//!
//! The seeds of the two on-disk kinds must not change: a new seed would make every
//! recorded file look edited by someone else, and every cached photo look new.

use std::hash::{BuildHasher, Hash};

use foldhash::quality::FixedState;

/// 128 bits of `value`: two 64-bit hashes with the seeds given.
fn wide(value: impl Hash, seeds: (u64, u64)) -> u128 {
    let hash = |seed: u64| FixedState::with_seed(seed).hash_one(&value);
    (u128::from(hash(seeds.0)) << 64) | u128::from(hash(seeds.1))
}

/// The fingerprint of a file's `bytes`.
pub(crate) fn of(bytes: &[u8]) -> u128 {
    wide(bytes, (0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344))
}

/// The key of a processed photo: its bytes, format and settings (see `photo::store`).
pub(crate) fn photo_key(value: impl Hash) -> u128 {
    wide(value, (0x9e37_79b9_7f4a_7c15, 0x6a09_e667_f3bc_c908))
}

/// A fingerprint of `value`, for telling whether an input changed (serve's keys).
/// Several times faster than SipHash on page-sized text.
pub(crate) fn hash_of(value: impl Hash) -> u64 {
    hasher().hash_one(value)
}

/// The hasher behind [`hash_of`], for fingerprints fed piece by piece.
pub(crate) fn hasher() -> FixedState {
    FixedState::with_seed(0x5eed_5eed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The on-disk kinds keep their values across versions (see the module's note): these
    /// are the values the formulas gave before they moved here, as manifests and photo
    /// caches on disk hold them.
    #[test]
    fn the_on_disk_fingerprints_do_not_change() {
        let bytes: &[u8] = b"smpsite";
        assert_eq!(of(bytes), 0x4f28_a6b7_1de6_4ba0_0716_17d1_bf49_032b);
        assert_eq!(photo_key((bytes, 1u8)), 0x1325_e865_0b6d_c31c_14d5_39c6_ac9d_be27);
    }
}
