namespace IpyBox.AI;

/// <summary>
/// A BM25 index over tool documents, built once from a fixed list and then read by any number of threads. A document's
/// text is its name (counted <see cref="NameWeight"/> times, so a query word in the name outranks one in a long
/// description), its description and its parameters' names and descriptions. Ranking is lexical only; a semantic ranker
/// (an <c>IEmbeddingGenerator</c>) can be blended in by a later ranker over the same documents.
/// </summary>
internal sealed class ToolSearchIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int NameWeight = 3;

    /// <summary>The most query terms considered; a longer query is cut.</summary>
    private const int MaxQueryTerms = 64;

    private readonly IReadOnlyList<ToolSearchDocument> _documents;
    private readonly Dictionary<string, int>[] _termCounts;
    private readonly int[] _lengths;
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private readonly double _averageLength;

    public ToolSearchIndex(IReadOnlyList<ToolSearchDocument> documents)
    {
        _documents = documents;
        _termCounts = new Dictionary<string, int>[documents.Count];
        _lengths = new int[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var name = SearchTokenizer.Terms(documents[i].QualifiedName);
            var terms = Enumerable.Repeat(name, NameWeight).SelectMany(t => t)
                .Concat(SearchTokenizer.Terms(documents[i].Description))
                .Concat(SearchTokenizer.Terms(documents[i].ParameterText));
            foreach (var term in terms)
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
                _lengths[i]++;
            }

            _termCounts[i] = counts;
            foreach (var term in counts.Keys)
            {
                _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
            }
        }

        _averageLength = documents.Count == 0 ? 0 : _lengths.Average();
    }

    /// <summary>Gets the indexed documents, in the order given.</summary>
    public IReadOnlyList<ToolSearchDocument> Documents => _documents;

    /// <summary>Returns up to <paramref name="limit"/> documents that share a term with <paramref name="query"/>, best first (ties in index order).</summary>
    public IReadOnlyList<ToolSearchHit> Search(string query, int limit)
    {
        var terms = SearchTokenizer.Terms(query).Distinct(StringComparer.Ordinal).Take(MaxQueryTerms).ToList();
        if (terms.Count == 0 || limit <= 0)
        {
            return [];
        }

        var hits = new List<ToolSearchHit>();
        for (var i = 0; i < _documents.Count; i++)
        {
            var score = 0.0;
            foreach (var term in terms)
            {
                if (!_termCounts[i].TryGetValue(term, out var frequency))
                {
                    continue;
                }

                var documents = _documentFrequency[term];
                var idf = Math.Log(1 + ((_documents.Count - documents + 0.5) / (documents + 0.5)));
                score += idf * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * _lengths[i] / _averageLength))));
            }

            if (score > 0)
            {
                hits.Add(new ToolSearchHit(_documents[i], score));
            }
        }

        // A stable sort keeps index order among equal scores.
        return [.. hits.OrderByDescending(hit => hit.Score).Take(limit)];
    }

    /// <summary>Finds a document by its qualified name, or by its bare function name when that is unique.</summary>
    public ToolSearchDocument? Find(string name)
    {
        var exact = _documents.FirstOrDefault(d => d.QualifiedName == name);
        if (exact is not null)
        {
            return exact;
        }

        var suffix = "." + name;
        var matches = _documents.Where(d => d.QualifiedName.EndsWith(suffix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
