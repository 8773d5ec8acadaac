/**
 * Server-rendered SVG charts: readable without client JavaScript, each with a text
 * equivalent (an aria-label summary on the figure and a data table beside it).
 */
import type { ReactNode } from "react";

function Figure({
  title,
  summary,
  children,
  table,
}: {
  title: string;
  summary: string;
  children: ReactNode;
  table: ReactNode;
}) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div role="img" aria-label={`${title}. ${summary}`}>
        {children}
      </div>
      <details className="chart-table">
        <summary>Show as table</summary>
        {table}
      </details>
    </figure>
  );
}

/** Horizontal bars, widest first: how many projects reached each stage. */
export function FunnelChart({
  title,
  steps,
}: {
  title: string;
  steps: Array<{ label: string; value: number; note?: string }>;
}) {
  const max = Math.max(1, ...steps.map((s) => s.value));
  const rowHeight = 34;
  const width = 420;
  const labelWidth = 110;
  const summary = steps.map((s) => `${s.label}: ${s.value}${s.note ? ` (${s.note})` : ""}`).join("; ");
  return (
    <Figure
      title={title}
      summary={summary}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col" className="num">
                Projects
              </th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.label}>
                <th scope="row">{s.label}</th>
                <td className="num">{s.value}</td>
                <td>{s.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <svg
        viewBox={`0 0 ${width} ${steps.length * rowHeight}`}
        className="chart-svg"
        aria-hidden="true"
        focusable="false"
      >
        {steps.map((s, i) => {
          const barWidth = ((width - labelWidth - 60) * s.value) / max;
          const x = labelWidth + (width - labelWidth - 60 - barWidth) / 2;
          return (
            <g key={s.label} transform={`translate(0 ${i * rowHeight})`}>
              <text x={0} y={21} className="chart-label">
                {s.label}
              </text>
              <rect
                x={x}
                y={5}
                width={Math.max(barWidth, 1)}
                height={rowHeight - 10}
                rx={3}
                className={`chart-fill-${i}`}
              />
              <text x={width - 50} y={21} className="chart-value">
                {s.value}
              </text>
            </g>
          );
        })}
      </svg>
    </Figure>
  );
}

/** One horizontal bar split into parts, with a legend: e.g. stops by cause. */
export function StackedBarChart({
  title,
  parts,
  empty,
}: {
  title: string;
  parts: Array<{ label: string; value: number }>;
  empty: string;
}) {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  const width = 420;
  let x = 0;
  const summary = total ? parts.map((p) => `${p.label}: ${p.value}`).join("; ") : empty;
  return (
    <Figure
      title={title}
      summary={summary}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Cause</th>
              <th scope="col" className="num">
                Stopped projects
              </th>
            </tr>
          </thead>
          <tbody>
            {parts.map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td className="num">{p.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {total === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${width} 30`} className="chart-svg" aria-hidden="true" focusable="false">
            {parts.map((p, i) => {
              const w = (width * p.value) / total;
              const rect = <rect key={p.label} x={x} y={0} width={w} height={30} className={`chart-fill-${i}`} />;
              x += w;
              return rect;
            })}
          </svg>
          <ul className="chart-legend">
            {parts
              .filter((p) => p.value > 0)
              .map((p) => {
                const i = parts.indexOf(p);
                return (
                  <li key={p.label}>
                    <svg width="12" height="12" aria-hidden="true" focusable="false">
                      <rect width="12" height="12" className={`chart-fill-${i}`} />
                    </svg>{" "}
                    {p.label}: {p.value}
                  </li>
                );
              })}
          </ul>
        </>
      )}
    </Figure>
  );
}

export type Series = { label: string; values: number[]; className: string };

/** Lines over time with a shared y axis; x labels are month names. */
export function LineChart({
  title,
  xLabels,
  series,
  unit,
}: {
  title: string;
  xLabels: string[];
  series: Series[];
  unit: string;
}) {
  const width = 560;
  const height = 220;
  const pad = { left: 56, right: 24, top: 12, bottom: 28 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = xLabels.length > 1 ? (width - pad.left - pad.right) / (xLabels.length - 1) : 0;
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const fmt = (v: number) => `${Math.round(v).toLocaleString("en-GB")} ${unit}`;
  const last = xLabels.length - 1;
  const summary = series
    .map(
      (s) => `${s.label}: ${fmt(s.values[0] ?? 0)} in ${xLabels[0]}, ${fmt(s.values[last] ?? 0)} in ${xLabels[last]}`,
    )
    .join("; ");
  return (
    <Figure
      title={title}
      summary={summary}
      table={
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Month</th>
                {series.map((s) => (
                  <th key={s.label} scope="col" className="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {xLabels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.label} className="num">
                      {fmt(s.values[i] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      }
    >
      <svg viewBox={`0 0 ${width} ${height}`} className="chart-svg" aria-hidden="true" focusable="false">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={pad.left} x2={width - pad.right} y1={y(max * f)} y2={y(max * f)} className="chart-grid" />
            <text x={pad.left - 6} y={y(max * f) + 4} className="chart-axis" textAnchor="end">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {xLabels.map((label, i) =>
          i % Math.ceil(xLabels.length / 6) === 0 || i === last ? (
            <text
              key={label}
              x={pad.left + i * step}
              y={height - 8}
              className="chart-axis"
              textAnchor={i === last && last > 0 ? "end" : i === 0 ? "start" : "middle"}
            >
              {label}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <polyline
            key={s.label}
            points={s.values.map((v, i) => `${pad.left + i * step},${y(v)}`).join(" ")}
            className={`chart-line ${s.className}`}
            fill="none"
          />
        ))}
      </svg>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.label}>
            <svg width="24" height="10" aria-hidden="true" focusable="false">
              <line x1="0" x2="24" y1="5" y2="5" className={`chart-line ${s.className}`} />
            </svg>{" "}
            {s.label}
          </li>
        ))}
      </ul>
    </Figure>
  );
}
