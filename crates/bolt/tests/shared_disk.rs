//! A disk written with shared bytes ([`Chunk::Shared`]) against the plain one written with the
//! same bytes copied: random writes (straddling blocks, holes, several chunks at once),
//! overwrites of shared blocks, truncations, fsyncs, crashes, failing and torn writes. After
//! every step both files read the same, byte for byte, with the same length and stats, and the
//! shared buffers are never changed by a write over them.

use bytes::Bytes;
use playground_bolt::{Chunk, Db, Disk, MemDisk, Options, Pieces, SharedDisk, Volume, ROOT_BUCKET};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const BLOCK: u64 = 4096;

/// What a write hands over: owned bytes, or a slice of one of the shared buffers.
enum Piece {
    Copied(Vec<u8>),
    Shared(Bytes),
}

fn random_piece(rng: &mut Rng, pool: &[Bytes]) -> Piece {
    if rng.below(3) == 0 {
        let len = rng.below(3 * BLOCK) as usize;
        return Piece::Copied((0..len).map(|_| rng.next() as u8).collect());
    }
    let buffer = &pool[rng.below(pool.len() as u64) as usize];
    let start = rng.below(buffer.len() as u64) as usize;
    let len = rng.below((buffer.len() - start) as u64 + 1) as usize;
    Piece::Shared(buffer.slice(start..start + len))
}

fn run(seed: u64) -> (usize, usize) {
    let mut rng = Rng(seed);
    let pool: Vec<Bytes> = (0..3)
        .map(|_| {
            let len = (4 + rng.below(12)) * BLOCK + rng.below(BLOCK);
            Bytes::from((0..len).map(|_| rng.next() as u8).collect::<Vec<u8>>())
        })
        .collect();
    let originals: Vec<Vec<u8>> = pool.iter().map(|b| b.to_vec()).collect();
    let (shared_volume, plain_volume) = (Volume::new(), Volume::new());
    let mut shared = MemDisk::on(&shared_volume);
    let mut plain = MemDisk::on(&plain_volume);
    let mut most_shared = 0;
    let mut most_shared_read = 0;
    for step in 0..400 {
        let what = rng.below(100);
        let op = match what {
            0..=54 => {
                let offset = rng.below(shared.len() + 2 * BLOCK);
                let pieces: Vec<Piece> =
                    (0..1 + rng.below(3)).map(|_| random_piece(&mut rng, &pool)).collect();
                let chunks: Vec<Chunk<'_>> = pieces
                    .iter()
                    .map(|piece| match piece {
                        Piece::Copied(bytes) => Chunk::Copied(bytes),
                        Piece::Shared(bytes) => Chunk::Shared(bytes),
                    })
                    .collect();
                let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes().iter().copied()).collect();
                shared.write_chunks(offset, &chunks).unwrap();
                plain.write_at(offset, &joined).unwrap();
                format!("write {} bytes at {offset} in {} chunks", joined.len(), chunks.len())
            }
            55..=64 => {
                // Small overwrites land inside shared blocks: copy on write.
                let offset = rng.below(shared.len() + 1);
                let bytes: Vec<u8> = (0..1 + rng.below(64)).map(|_| rng.next() as u8).collect();
                shared.write_at(offset, &bytes).unwrap();
                plain.write_at(offset, &bytes).unwrap();
                format!("overwrite {} bytes at {offset}", bytes.len())
            }
            65..=72 => {
                let len = rng.below(shared.len() + BLOCK + 1);
                shared.truncate(len).unwrap();
                plain.truncate(len).unwrap();
                format!("truncate to {len}")
            }
            73..=86 => {
                shared.sync().unwrap();
                plain.sync().unwrap();
                "sync".to_string()
            }
            87..=93 => {
                shared.crash();
                plain.crash();
                shared_volume.reset();
                plain_volume.reset();
                "crash".to_string()
            }
            _ => {
                let at = shared_volume.ops() + 1 + rng.below(4);
                if rng.below(2) == 0 {
                    shared_volume.tear_at(at);
                    plain_volume.tear_at(at);
                    format!("tear at op {at}")
                } else {
                    shared_volume.fail_at(at);
                    plain_volume.fail_at(at);
                    format!("fail at op {at}")
                }
            }
        };
        assert_eq!(shared.len(), plain.len(), "seed {seed} step {step}: {op}");
        assert!(shared.bytes() == plain.bytes(), "seed {seed} step {step}: {op}: contents differ");
        assert_eq!(shared.stats(), plain.stats(), "seed {seed} step {step}: {op}");
        assert_eq!(shared_volume.ops(), plain_volume.ops(), "seed {seed} step {step}: {op}");
        if let Some(len) = (shared.len() > 0).then(|| rng.below(shared.len()) as usize) {
            let offset = rng.below(shared.len() - len as u64 + 1);
            assert_eq!(shared.read_vec(offset, len).unwrap(), plain.read_vec(offset, len).unwrap());
            let (mut kept, mut copied) = (Pieces::new(), Pieces::new());
            shared.read_pieces(offset, len, &mut kept).unwrap();
            plain.read_pieces(offset, len, &mut copied).unwrap();
            assert!(kept.to_vec() == copied.to_vec(), "seed {seed} step {step}: pieces read differ");
            assert_eq!(copied.shared_len(), 0);
            most_shared_read = most_shared_read.max(kept.shared_len());
        }
        most_shared = most_shared.max(shared.shared_blocks());
    }
    for (buffer, original) in pool.iter().zip(&originals) {
        assert!(buffer[..] == original[..], "seed {seed}: a shared buffer changed");
    }
    (most_shared, most_shared_read)
}

#[test]
fn a_disk_keeping_shared_bytes_reads_like_one_holding_copies() {
    let (mut most_shared, mut most_shared_read) = (0, 0);
    for seed in 1..=60 {
        let (blocks, read) = run(seed * 0x9E37_79B9);
        most_shared = most_shared.max(blocks);
        most_shared_read = most_shared_read.max(read);
    }
    // The runs did keep blocks by reference (and read them back shared), or they compared the
    // plain disk with itself.
    assert!(most_shared > 8, "at most {most_shared} shared blocks");
    assert!(most_shared_read >= 2 * BLOCK as usize, "at most {most_shared_read} bytes read shared");
}

#[test]
fn writing_shared_bytes_keeps_whole_blocks_by_reference_and_copies_on_overwrite() {
    let data = Bytes::from((0..10 * BLOCK).map(|i| i as u8).collect::<Vec<u8>>());
    let mut disk = MemDisk::new();
    // From 100 on: blocks 1..=9 are whole inside the data, 0 and 10 hold its ends.
    disk.write_chunks(100, &[Chunk::Shared(&data)]).unwrap();
    assert_eq!(disk.shared_blocks(), 9);
    disk.sync().unwrap();
    disk.write_at(2 * BLOCK + 5, b"x").unwrap();
    assert_eq!(disk.shared_blocks(), 8);
    assert_eq!(disk.read_vec(2 * BLOCK + 5, 1).unwrap(), b"x");
    disk.crash();
    assert_eq!(disk.shared_blocks(), 9, "the synced block, still a reference, came back");
    assert!(disk.read_vec(100, data.len()).unwrap() == data[..]);
}

#[test]
fn a_value_put_in_shared_pieces_writes_the_db_a_copied_one_writes() {
    let mut rng = Rng(7);
    let value = Bytes::from((0..(1 << 20) + 123).map(|_| rng.next() as u8).collect::<Vec<u8>>());
    let (plain, shared) = (SharedDisk::new(), SharedDisk::new());
    for (disk, in_pieces) in [(&plain, false), (&shared, true)] {
        let mut db = Db::create(Box::new(disk.clone()), Options::default()).unwrap();
        for round in 0..3u8 {
            let mut tx = db.begin_write();
            let bucket = tx.create_bucket_if_not_exists(ROOT_BUCKET, b"key").unwrap();
            tx.put(bucket, &[b'a', round], b"small").unwrap();
            if in_pieces {
                let mut pieces = Pieces::from(vec![round; 10]);
                pieces.push_shared(&value);
                pieces.push_copied(b"tail");
                tx.put_pieces(bucket, &[b'b', round], pieces).unwrap();
            } else {
                let joined = [&[round; 10][..], &value, b"tail"].concat();
                tx.put_owned(bucket, &[b'b', round], joined).unwrap();
            }
            tx.commit().unwrap();
        }
        let tx = db.view();
        let bucket = tx.bucket(&tx.root(), b"key").unwrap().unwrap();
        let (got, _) = tx.get(&bucket, &[b'b', 2]).unwrap().unwrap();
        assert!(got == [&[2u8; 10][..], &value, b"tail"].concat());
        assert!(tx.check().is_empty());
    }
    assert!(plain.bytes() == shared.bytes(), "the files differ");
    assert_eq!(plain.0.borrow().shared_blocks(), 0);
    // Three overflow pages each keep all but the ends of the value by reference.
    assert!(shared.0.borrow().shared_blocks() >= 3 * 254, "{}", shared.0.borrow().shared_blocks());
}
