package securitylake

import (
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// zstdCodec is Parquet's ZSTD codec with one encoder and one decoder for
// the process, whose EncodeAll and DecodeAll are safe for concurrent use.
// parquet-go's own keeps its encoders in a sync.Pool, which the garbage
// collector empties: each new encoder allocates its tables again (several
// MiB), for each of the schema's ~250 columns of a file.
type zstdCodec struct{}

var (
	zstdOnce sync.Once
	zstdEnc  *zstd.Encoder
	zstdDec  *zstd.Decoder
	zstdErr  error
)

// zstdCoders makes the shared encoder and decoder: the default level
// (about zstd's 3), no CRC and no empty frames, as parquet-go's codec
// writes, with a window no larger than needed for pages of a few hundred
// KiB.
func zstdCoders() (*zstd.Encoder, *zstd.Decoder, error) {
	zstdOnce.Do(func() {
		n := min(runtime.GOMAXPROCS(0), 4)
		zstdEnc, zstdErr = zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(n),
			zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithWindowSize(1<<20),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
		)
		if zstdErr != nil {
			return
		}
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(n))
	})
	return zstdEnc, zstdDec, zstdErr
}

func (zstdCodec) String() string { return "ZSTD" }

func (zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	enc, _, err := zstdCoders()
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(src, dst[:0]), nil
}

func (zstdCodec) Decode(dst, src []byte) ([]byte, error) {
	_, dec, err := zstdCoders()
	if err != nil {
		return nil, err
	}
	return dec.DecodeAll(src, dst[:0])
}
