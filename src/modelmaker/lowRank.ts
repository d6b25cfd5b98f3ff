import { SeededRandom } from './random';

/** Row-major dense matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Rank-r factorisation M ≈ left · rightᵀ with left = U·√S and right = V·√S, by randomized SVD
 * (Halko, Martinsson & Tropp 2011) with a few power iterations. Exact enough for our use: the
 * factors become the embedding and output matrices of the fixture model.
 */
export function lowRankFactors(m: Matrix, rank: number, random: SeededRandom): { left: Matrix; right: Matrix; singularValues: number[] } {
  const sketch = Math.min(rank + 12, m.rows, m.cols);
  let y = multiply(m, randomMatrix(m.cols, sketch, random));
  for (let i = 0; i < 3; i++) {
    y = orthonormalColumns(y);
    y = multiply(m, multiplyTransposeLeft(m, y));
  }
  const q = orthonormalColumns(y); // rows × sketch
  const b = multiplyTransposeLeft(q, m); // sketch × cols  (qᵀ m)
  const gram = multiplyTransposeRight(b, b); // sketch × sketch (b bᵀ)
  const { values, vectors } = symmetricEigen(gram);
  const order = values.map((v, i) => [v, i] as const).sort((a, b2) => b2[0] - a[0]).slice(0, rank);

  const left: Matrix = { rows: m.rows, cols: rank, data: new Float64Array(m.rows * rank) };
  const right: Matrix = { rows: m.cols, cols: rank, data: new Float64Array(m.cols * rank) };
  const singularValues: number[] = [];
  order.forEach(([value, index], k) => {
    const s = Math.sqrt(Math.max(value, 0));
    singularValues.push(s);
    const root = Math.sqrt(s);
    // u_k = q · w_k ; v_k = bᵀ w_k / s
    for (let r = 0; r < m.rows; r++) {
      let sum = 0;
      for (let j = 0; j < sketch; j++) sum += q.data[r * sketch + j]! * vectors.data[j * sketch + index]!;
      left.data[r * rank + k] = sum * root;
    }
    for (let c = 0; c < m.cols; c++) {
      let sum = 0;
      for (let j = 0; j < sketch; j++) sum += b.data[j * m.cols + c]! * vectors.data[j * sketch + index]!;
      right.data[c * rank + k] = s > 0 ? (sum / s) * root : 0;
    }
  });
  return { left, right, singularValues };
}

function randomMatrix(rows: number, cols: number, random: SeededRandom): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return { rows, cols, data };
}

/** a · b */
export function multiply(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      const bRow = k * b.cols;
      const oRow = i * b.cols;
      for (let j = 0; j < b.cols; j++) out[oRow + j]! += aik * b.data[bRow + j]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/** aᵀ · b */
function multiplyTransposeLeft(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.cols * b.cols);
  for (let k = 0; k < a.rows; k++) {
    for (let i = 0; i < a.cols; i++) {
      const aki = a.data[k * a.cols + i]!;
      if (aki === 0) continue;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j]! += aki * b.data[k * b.cols + j]!;
    }
  }
  return { rows: a.cols, cols: b.cols, data: out };
}

/** a · bᵀ */
function multiplyTransposeRight(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let sum = 0;
      for (let k = 0; k < a.cols; k++) sum += a.data[i * a.cols + k]! * b.data[j * b.cols + k]!;
      out[i * b.rows + j] = sum;
    }
  }
  return { rows: a.rows, cols: b.rows, data: out };
}

/** Modified Gram–Schmidt on the columns. */
function orthonormalColumns(m: Matrix): Matrix {
  const { rows, cols } = m;
  const data = Float64Array.from(m.data);
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += data[r * cols + c]! * data[r * cols + p]!;
      for (let r = 0; r < rows; r++) data[r * cols + c]! -= dot * data[r * cols + p]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += data[r * cols + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < rows; r++) data[r * cols + c]! /= norm;
  }
  return { rows, cols, data };
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix; eigenvectors are columns. */
function symmetricEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const n = m.rows;
  const a = Float64Array.from(m.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: { rows: n, cols: n, data: v } };
}
