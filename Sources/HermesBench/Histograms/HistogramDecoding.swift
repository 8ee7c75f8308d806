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

    /// Decodes the base64 text of an interval log line.
    static func decode(base64: String) throws -> Histogram<UInt64> {
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError(description: "the histogram is not valid base64")
        }
        return try decode([UInt8](data))
    }

    /// Decodes a V2 histogram, zlib-compressed (the cookie says which) or plain.
    static func decode(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        var reader = ByteReader(bytes: bytes)
        let cookie = try reader.read(UInt32.self)
        switch cookie & ~0xF0 {
        case compressedEncodingCookie & ~0xF0:
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
            return try decode(Array(plain.readableBytesView))
        case encodingCookie & ~0xF0:
            return try decodePlain(&reader)
        default:
            throw DecodingError(
                description: "unknown histogram encoding cookie 0x\(String(cookie, radix: 16)); only HdrHistogram's V2 encoding is read")
        }
    }

    private static func decodePlain(_ reader: inout ByteReader) throws -> Histogram<UInt64> {
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
        guard lowest >= 1, lowest <= UInt64.max / 2, highest >= 2 * lowest else {
            throw DecodingError(description: "the histogram's range \(lowest)…\(highest) is not valid")
        }
        guard reader.remaining >= payloadLength else {
            throw DecodingError(description: "the histogram's counts are cut short (\(reader.remaining) of \(payloadLength) bytes)")
        }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significant)
        let layout = BucketLayout(lowest: lowest, digits: significant)
        let end = reader.offset + payloadLength
        var index = 0
        while reader.offset < end {
            let count = try reader.readZigZag()
            if count < 0 {
                index += Int(-count)
                continue
            }
            if count > 0 {
                let value = layout.value(atIndex: index)
                guard value <= highest, histogram.record(value, count: UInt64(count)) else {
                    throw DecodingError(description: "the histogram holds a count at \(value), above its highest value \(highest)")
                }
            }
            index += 1
        }
        return histogram
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
