extension Sequence<UInt8> {
    /// The bytes as lower-case hexadecimal, two digits each (digests, ids).
    public var hexEncoded: String {
        var digits: [UInt8] = []
        digits.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            digits.append(hexDigits[Int(byte >> 4)])
            digits.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// `0`…`9`, `a`…`f` as UTF-8.
let hexDigits = Array("0123456789abcdef".utf8)
