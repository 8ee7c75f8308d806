/// Writes a string as a JSON string literal, quotes included.
///
/// The gateway and the simulators build their streamed chunks by hand: a streamed reply is
/// hundreds of tiny fixed-shape chunks, and going through JSONEncoder for each would cost more
/// than everything else on that path. Works on UTF-8 bytes: every byte of a multi-byte
/// character is 0x80 or above, so only ASCII bytes ever need escaping, and text with nothing to
/// escape (nearly all of it) is copied in one go.
public func jsonQuoted(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
        guard bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
            return String(unsafeUninitializedCapacity: bytes.count + 2) { out in
                out[0] = UInt8(ascii: "\"")
                _ = UnsafeMutableBufferPointer(rebasing: out[1...]).initialize(fromContentsOf: bytes)
                out[bytes.count + 1] = UInt8(ascii: "\"")
                return bytes.count + 2
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 16)
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case ..<0x20:
                out += [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)],
                    hexDigits[Int(byte & 0xF)],
                ]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
