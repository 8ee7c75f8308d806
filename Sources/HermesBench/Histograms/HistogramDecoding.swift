// The reading side of `HistogramEncoding`, by hand for the same reason: hdrhistogram-swift 0.2.0
// cannot decode. It reads the V2 encoding (compressed or not) that every current HdrHistogram
// implementation writes, following `AbstractHistogram.decodeFromCompressedByteBuffer` in Java.
import CompressNIO
import Foundation
import Histogram
import NIOCore

extension HistogramEncoding {
    /// Why an encoded histogram could not be read.
    struct DecodingError: Error, CustomStringConvertible {
        let description: String
    }

    /// A histogram read back, with the sum of its values as HdrHistogram's iterators add them up
    /// (each bucket's count times its highest equivalent value). The library adds that sum, and
    /// the counts, without overflow checks of its own while iterating, so a histogram whose sums
    /// pass 2^64 would trap there; decoding refuses one, and merging keeps the sums to refuse a
    /// merge that would. The total count stays within 2^63 - 1 besides, as Java's `long` total
    /// does, so that every count can be encoded again.
    struct Decoded {
        var histogram: Histogram<UInt64>
        var valueSum: UInt64
    }

    /// Decodes the base64 text of an interval log line.
    static func decode(base64: String) throws -> Decoded {
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError(description: "the histogram is not valid base64")
        }
        return try decodeCounted([UInt8](data))
    }

    /// Decodes a V2 histogram, zlib-compressed (the cookie says which) or plain.
    package static func decode(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        try decodeCounted(bytes).histogram
    }

    private static func decodeCounted(_ bytes: [UInt8], nested: Bool = false) throws -> Decoded {
        var reader = ByteReader(bytes: bytes)
        let cookie = try reader.read(UInt32.self)
        switch cookie & ~0xF0 {
        case compressedEncodingCookie & ~0xF0:
            guard !nested else { throw DecodingError(description: "a compressed histogram holds another compressed one") }
            let length = Int(try reader.read(UInt32.self))
            guard reader.remaining >= length else {
                throw DecodingError(description: "the compressed histogram is cut short (\(reader.remaining) of \(length) bytes)")
            }
            var compressed = ByteBuffer(bytes: bytes[reader.offset..<(reader.offset + length)])
            let plain: ByteBuffer
            do {
                plain = try compressed.decompress(with: .zlib())
            } catch {
                throw DecodingError(description: "the histogram's zlib data is damaged (\(error))")
            }
            return try decodeCounted(Array(plain.readableBytesView), nested: true)
        case encodingCookie & ~0xF0:
            return try decodePlain(&reader)
        default:
            throw DecodingError(
                description: "unknown histogram encoding cookie 0x\(String(cookie, radix: 16)); only HdrHistogram's V2 encoding is read")
        }
    }

    private static func decodePlain(_ reader: inout ByteReader) throws -> Decoded {
        let payloadLength = Int(try reader.read(UInt32.self))
        let normalizingOffset = try reader.read(UInt32.self)
        let digits = try reader.read(UInt32.self)
        let lowest = try reader.read(UInt64.self)
        let highest = try reader.read(UInt64.self)
        _ = try reader.read(UInt64.self)  // integer-to-double conversion ratio: values stay integers here
        guard normalizingOffset == 0 else {
            throw DecodingError(description: "histograms with a normalizing index offset (shifted histograms) are not supported")
        }
        guard let significant = SignificantDigits(rawValue: Int8(clamping: digits)), digits <= 5 else {
            throw DecodingError(description: "\(digits) significant digits is not a valid histogram precision (0 to 5)")
        }
        // The format's values are Java longs: past 2^63 - 1 the library's bucket arithmetic would
        // overflow at the top of the range.
        guard lowest >= 1, highest <= Int64.max, lowest <= highest / 2 else {
            throw DecodingError(description: "the histogram's range \(lowest)…\(highest) is not valid (1 ≤ 2 × lowest ≤ highest < 2^63)")
        }
        guard reader.remaining >= payloadLength else {
            throw DecodingError(description: "the histogram's counts are cut short (\(reader.remaining) of \(payloadLength) bytes)")
        }
        let layout = BucketLayout(lowest: lowest, digits: significant)
        // hdrhistogram-swift's own precondition, which would trap.
        guard layout.unitMagnitude + layout.subBucketHalfCountMagnitude <= 61 else {
            throw DecodingError(
                description: "a lowest value of \(lowest) leaves too few bits for \(digits) significant digits; HdrHistogram cannot hold it")
        }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significant)
        let end = reader.offset + payloadLength
        let tooLarge = DecodingError(
            description: "the histogram's counts are too large: they add up past 2^63 - 1, or their values past 2^64")
        var index = 0
        var total: UInt64 = 0
        var valueSum: UInt64 = 0
        while reader.offset < end {
            let count = try reader.readZigZag()
            if count < 0 {
                // A run of zero counts; past the highest index the next count is refused below.
                guard count != .min, case (let next, false) = index.addingReportingOverflow(Int(-count)) else { throw tooLarge }
                index = next
                continue
            }
            if count > 0 {
                let value = layout.value(atIndex: index)
                guard value <= highest, histogram.record(value, count: UInt64(count)) else {
                    throw DecodingError(description: "the histogram holds a count at \(value), above its highest value \(highest)")
                }
                guard case (let newTotal, false) = total.addingReportingOverflow(UInt64(count)), newTotal <= Int64.max,
                    case (let weight, false) = UInt64(count).multipliedReportingOverflow(by: histogram.highestEquivalentForValue(value)),
                    case (let newSum, false) = valueSum.addingReportingOverflow(weight)
                else { throw tooLarge }
                (total, valueSum) = (newTotal, newSum)
            }
            index += 1
        }
        return Decoded(histogram: histogram, valueSum: valueSum)
    }

    /// Where each count index of a histogram sits: the same arithmetic as HdrHistogram's
    /// `valueFromIndex`, which hdrhistogram-swift keeps internal.
    struct BucketLayout {
        let unitMagnitude: Int
        let subBucketHalfCountMagnitude: Int

        init(lowest: UInt64, digits: SignificantDigits) {
            unitMagnitude = Int(log2(Double(lowest)))
            let singleUnitResolution = 2 * pow(10.0, Double(digits.rawValue))
            let subBucketCountMagnitude = Int(log2(singleUnitResolution).rounded(.up))
            subBucketHalfCountMagnitude = Swift.max(subBucketCountMagnitude, 1) - 1
        }

        func value(atIndex index: Int) -> UInt64 {
            let halfCount = 1 << subBucketHalfCountMagnitude
            var bucket = (index >> subBucketHalfCountMagnitude) - 1
            var subBucket = (index & (halfCount - 1)) + halfCount
            if bucket < 0 {
                subBucket -= halfCount
                bucket = 0
            }
            return UInt64(subBucket) << (bucket + unitMagnitude)
        }
    }

    /// Big-endian integers and zig-zag LEB128 from a byte array, with bounds checks.
    private struct ByteReader {
        let bytes: [UInt8]
        var offset = 0
        var remaining: Int { bytes.count - offset }

        mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard remaining >= size else { throw DecodingError(description: "the histogram's header is cut short") }
            var value: T = 0
            for byte in bytes[offset..<(offset + size)] { value = value << 8 | T(byte) }
            offset += size
            return value
        }

        /// Java's `ZigZagEncoding.getLong`.
        mutating func readZigZag() throws -> Int64 {
            var raw: UInt64 = 0
            for position in 0..<9 {
                guard offset < bytes.count else { throw DecodingError(description: "the histogram's counts are cut short") }
                let byte = bytes[offset]
                offset += 1
                if position == 8 {
                    raw |= UInt64(byte) << 56
                    break
                }
                raw |= UInt64(byte & 0x7F) << (7 * position)
                if byte & 0x80 == 0 { break }
            }
            return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }
    }
}
