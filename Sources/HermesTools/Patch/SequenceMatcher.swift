/// Python's `difflib.SequenceMatcher(None, a, b)`, ported line for line: the fuzzy matcher
/// thresholds on its `ratio()`, keeps the file's Unicode with its opcodes, and the patch result's
/// diff is its grouped opcodes. Any other longest-match rule would pick other blocks, so other
/// ratios and other diffs, than Python's.
///
/// As there, with no junk function: elements of `b` that make up more than 1% of a `b` of 200 or
/// more elements are "popular" and never start a match (`autojunk`), though a match may still
/// extend over them.
struct SequenceMatcher<Element: Hashable> {
    /// `(tag, i1, i2, j1, j2)`: `a[i1..<i2]` becomes `b[j1..<j2]`.
    struct Opcode: Equatable {
        enum Tag: Equatable { case equal, replace, delete, insert }
        var tag: Tag
        var i1, i2, j1, j2: Int
    }

    let a: [Element]
    let b: [Element]
    /// Where each element that may start a match occurs in `b`, in order.
    private let positions: [Element: [Int]]

    init(_ a: [Element], _ b: [Element]) {
        self.a = a
        self.b = b
        var positions: [Element: [Int]] = [:]
        for (index, element) in b.enumerated() { positions[element, default: []].append(index) }
        if b.count >= 200 {
            let limit = b.count / 100 + 1
            positions = positions.filter { $0.value.count <= limit }
        }
        self.positions = positions
    }

    /// `ratio()`: twice the matched elements over both lengths; 1 for two empty sequences.
    func ratio() -> Double {
        let matched = matchingBlocks().reduce(0) { $0 + $1.size }
        return Self.ratio(matched: matched, total: a.count + b.count)
    }

    /// Whether `ratio() >= threshold`, without matching when even a perfect match of the shorter
    /// sequence could not reach it (`real_quick_ratio()`, an upper bound of `ratio()`).
    func ratioReaches(_ threshold: Double) -> Bool {
        if Self.ratio(matched: min(a.count, b.count), total: a.count + b.count) < threshold { return false }
        if a == b { return true }
        return ratio() >= threshold
    }

    private static func ratio(matched: Int, total: Int) -> Double {
        total == 0 ? 1.0 : 2.0 * Double(matched) / Double(total)
    }

    /// `get_matching_blocks()`: `(i, j, size)` with `a[i..<i+size] == b[j..<j+size]`, ascending,
    /// adjacent blocks merged, ending with `(a.count, b.count, 0)`.
    func matchingBlocks() -> [(i: Int, j: Int, size: Int)] {
        var lengths = Lengths(count: b.count)
        var queue = [(0, a.count, 0, b.count)]
        var blocks: [(i: Int, j: Int, size: Int)] = []
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let match = longestMatch(alo, ahi, blo, bhi, &lengths)
            guard match.size > 0 else { continue }
            blocks.append(match)
            if alo < match.i && blo < match.j { queue.append((alo, match.i, blo, match.j)) }
            if match.i + match.size < ahi && match.j + match.size < bhi {
                queue.append((match.i + match.size, ahi, match.j + match.size, bhi))
            }
        }
        blocks.sort { ($0.i, $0.j, $0.size) < ($1.i, $1.j, $1.size) }
        var merged: [(i: Int, j: Int, size: Int)] = []
        var (i1, j1, k1) = (0, 0, 0)
        for block in blocks {
            if i1 + k1 == block.i && j1 + k1 == block.j {
                k1 += block.size
            } else {
                if k1 > 0 { merged.append((i1, j1, k1)) }
                (i1, j1, k1) = block
            }
        }
        if k1 > 0 { merged.append((i1, j1, k1)) }
        merged.append((a.count, b.count, 0))
        return merged
    }

    /// `get_opcodes()`.
    func opcodes() -> [Opcode] {
        var (i, j) = (0, 0)
        var codes: [Opcode] = []
        for block in matchingBlocks() {
            let tag: Opcode.Tag? =
                i < block.i && j < block.j ? .replace : i < block.i ? .delete : j < block.j ? .insert : nil
            if let tag { codes.append(Opcode(tag: tag, i1: i, i2: block.i, j1: j, j2: block.j)) }
            (i, j) = (block.i + block.size, block.j + block.size)
            if block.size > 0 { codes.append(Opcode(tag: .equal, i1: block.i, i2: i, j1: block.j, j2: j)) }
        }
        return codes
    }

    /// `get_grouped_opcodes(n)`: the changes with up to `n` elements of context each side, split
    /// where more than `2n` equal elements lie between them.
    func groupedOpcodes(context n: Int = 3) -> [[Opcode]] {
        var codes = opcodes()
        if codes.isEmpty { codes = [Opcode(tag: .equal, i1: 0, i2: 1, j1: 0, j2: 1)] }
        if codes[0].tag == .equal {
            let code = codes[0]
            codes[0] = Opcode(tag: .equal, i1: max(code.i1, code.i2 - n), i2: code.i2, j1: max(code.j1, code.j2 - n), j2: code.j2)
        }
        if codes[codes.count - 1].tag == .equal {
            let code = codes[codes.count - 1]
            codes[codes.count - 1] = Opcode(
                tag: .equal, i1: code.i1, i2: min(code.i2, code.i1 + n), j1: code.j1, j2: min(code.j2, code.j1 + n))
        }
        var groups: [[Opcode]] = []
        var group: [Opcode] = []
        for var code in codes {
            if code.tag == .equal && code.i2 - code.i1 > 2 * n {
                group.append(Opcode(tag: .equal, i1: code.i1, i2: min(code.i2, code.i1 + n), j1: code.j1, j2: min(code.j2, code.j1 + n)))
                groups.append(group)
                group = []
                code.i1 = max(code.i1, code.i2 - n)
                code.j1 = max(code.j1, code.j2 - n)
            }
            group.append(code)
        }
        if !group.isEmpty && !(group.count == 1 && group[0].tag == .equal) { groups.append(group) }
        return groups
    }

    /// `find_longest_match(alo, ahi, blo, bhi)`: the longest block of `a[alo..<ahi]` that matches
    /// in `b[blo..<bhi]`, the earliest in `a` (then in `b`) among the longest; then extended over
    /// equal elements each side, which only popular elements can add (there is no junk).
    private func longestMatch(
        _ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int, _ lengths: inout Lengths
    )
        -> (i: Int, j: Int, size: Int)
    {
        var (besti, bestj, bestsize) = (alo, blo, 0)
        // `j2len` of Python as two rows indexed by j + 1: the match lengths ending at the
        // previous element of `a`, and at this one. Only the entries set are cleared again.
        lengths.reset()
        for i in alo..<ahi {
            for j in positions[a[i]] ?? [] {
                if j < blo { continue }
                if j >= bhi { break }
                let k = lengths.previous[j] + 1
                lengths.set(j + 1, k)
                if k > bestsize { (besti, bestj, bestsize) = (i - k + 1, j - k + 1, k) }
            }
            lengths.advance()
        }
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1)
        }
        while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] {
            bestsize += 1
        }
        return (besti, bestj, bestsize)
    }

    /// The two rows of match lengths `longestMatch` keeps, reused across its calls.
    private struct Lengths {
        var previous: [Int]
        var current: [Int]
        var previousSet: [Int] = []
        var currentSet: [Int] = []

        init(count: Int) {
            previous = Array(repeating: 0, count: count + 1)
            current = previous
        }

        mutating func set(_ index: Int, _ value: Int) {
            current[index] = value
            currentSet.append(index)
        }

        /// The current row becomes the previous one; the old previous row is cleared.
        mutating func advance() {
            for index in previousSet { previous[index] = 0 }
            swap(&previous, &current)
            swap(&previousSet, &currentSet)
            currentSet.removeAll(keepingCapacity: true)
        }

        mutating func reset() {
            advance()
            advance()
        }
    }
}
