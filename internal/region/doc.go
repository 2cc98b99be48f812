// Package region knows China's administrative divisions (行政区划) and how
// they nest, so that the rest of digigov can say where a case, an event or a
// civil servant belongs and who is competent for it.
//
// # The five levels
//
// China is divided into five levels (五级): province (省), city (市), county
// (县/区), town (乡镇/街道) and village (村/社区). Every division has a
// statistical code from the National Bureau of Statistics (NBS) whose length
// tells its level: 2 digits for a province (44 广东省), 4 for a city (4401
// 广州市), 6 for a county (440106 天河区), 9 for a town (440106001) and 12 for a
// village (440106001001). A child's code always starts with its parent's code,
// so "is X inside Y" is a prefix test (Within) and needs no tree at all.
//
// Other systems write the same codes padded with zeros to a fixed width: the
// 6-digit GB/T 2260 form (440000 for 广东, 440100 for 广州) and a 12-digit form
// (440106000000 for 天河区). Normalize strips that padding. Three real counties
// have codes ending in 00 (441900 东莞, 442000 中山, 460400 儋州), which syntax
// alone cannot tell from padding; Tree.Normalize resolves them with the data.
//
// # Placeholders
//
// The NBS tree contains nodes that are not real divisions but keep every
// region at its level: the "市辖区" city under 北京, the "县" city under 重庆,
// "省直辖县级行政区划" under 河南 (holding 济源市), and pseudo-counties for the
// cities that have no counties (441900 under 东莞 holds 东莞's towns). These
// are marked Placeholder. Lookup still finds them, because addresses carry
// their codes, but names, parents, children and searches skip them, so people
// see "北京市东城区", not "北京市市辖区东城区".
//
// # Data
//
// Embedded returns the tree compiled into the binary: every province, city
// and county of China, and the towns and villages of 广东 (source and
// version in data/README.md). A deployment in another province imports its
// own towns and villages with ReadDivisionDir and Tree.With. A Tree is
// immutable after construction and safe for concurrent use.
package region
