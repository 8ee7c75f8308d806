// HdrHistogram's compressed V2 encoding, written by hand: hdrhistogram-swift 0.2.0 records and
// queries but cannot encode, and `.hlog` files are only useful if HdrHistogram's own tools
// (Java HistogramLogProcessor, Python `hdrh`, HdrHistogram_c) can read them. The layout follows
// `AbstractHistogram.encodeIntoCompressedByteBuffer` in the Java reference implementation.
import CompressNIO
import Foundation
import Histogram
import NIOCore

/// Encodes histograms the way every HdrHistogram implementation decodes them.
package enum HistogramEncoding {
    /// V2 encoding, 64-bit counts: `0x1c849303 | 0x10`.
    static let encodingCookie: UInt32 = 0x1c84_9313
    /// V2 compressed encoding: `0x1c849304 | 0x10`.
    static let compressedEncodingCookie: UInt32 = 0x1c84_9314

    /// The base64 of the zlib-compressed V2 encoding, as an interval log line carries it.
    static func base64Compressed(_ histogram: Histogram<UInt64>) throws -> String {
        var plain = ByteBuffer(bytes: encoded(histogram))
        let compressed = try plain.compress(with: .zlib())
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + compressed.readableBytes)
        append(compressedEncodingCookie, to: &bytes)
        append(UInt32(compressed.readableBytes), to: &bytes)
        bytes.append(contentsOf: compressed.readableBytesView)
        return Data(bytes).base64EncodedString()
    }

    /// The uncompressed V2 encoding: a 40-byte big-endian header, then the counts up to the
    /// highest recorded value as zig-zag LEB128, a run of zero counts written as one negative number.
    package static func encoded(_ histogram: Histogram<UInt64>) -> [UInt8] {
        var payload = [UInt8]()
        if histogram.totalCount > 0 {
            let last = histogram.max
            var zeros: Int64 = 0
            for step in histogram.allValues() {
                if step.count == 0 {
                    zeros += 1
                } else {
                    flush(zeros: &zeros, into: &payload)
                    appendZigZag(Int64(clamping: step.count), to: &payload)
                }
                if step.value >= last { break }
            }
            flush(zeros: &zeros, into: &payload)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(40 + payload.count)
        append(encodingCookie, to: &bytes)
        append(UInt32(payload.count), to: &bytes)
        append(UInt32(0), to: &bytes)  // normalizing index offset
        append(UInt32(histogram.numberOfSignificantValueDigits.rawValue), to: &bytes)
        append(histogram.lowestDiscernibleValue, to: &bytes)
        append(histogram.highestTrackableValue, to: &bytes)
        append(Double(1).bitPattern, to: &bytes)  // integer-to-double conversion ratio
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// A single zero is written as 0; longer runs as their negated length.
    private static func flush(zeros: inout Int64, into payload: inout [UInt8]) {
        if zeros == 1 { appendZigZag(0, to: &payload) } else if zeros > 1 { appendZigZag(-zeros, to: &payload) }
        zeros = 0
    }

    /// Java's `ZigZagEncoding.putLong`: seven bits per byte for the first eight bytes, and all
    /// eight bits of a ninth.
    static func appendZigZag(_ value: Int64, to bytes: inout [UInt8]) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if rest >> 7 == 0 {
                bytes.append(UInt8(rest))
                return
            }
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func append(_ value: some FixedWidthInteger, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
