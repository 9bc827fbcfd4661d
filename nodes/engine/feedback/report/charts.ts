/**
 * The report's charts, drawn by Apache ECharts' server-side SVG renderer and rasterized to PNG by
 * resvg: conversion by score band with its confidence interval, speed to contact by rep against
 * the SLA, and the funnel from hand-off to won. Same data in, same bytes out; no browser, no canvas.
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';

import { duration, percent } from './format';
import { NO_SCORE, NONE, type GroupFigures, type Report } from './report';

export type ChartName = 'conversionByScoreBand' | 'speedToContactByRep' | 'funnel';
export const CHART_NAMES: readonly ChartName[] = ['conversionByScoreBand', 'speedToContactByRep', 'funnel'];

export interface Chart {
	name: ChartName;
	title: string;
	fileName: string;
	svg: string;
	png: Buffer;
}

export interface ChartOptions {
	width?: number;
	height?: number;
	/** Pixels per SVG unit in the PNG: 2 gives sharp charts on high-density screens. */
	scale?: number;
	/** At most this many reps in the speed chart (those with the most first touches). */
	maxReps?: number;
}

/** Fonts tried in order: Arial ships with n8n's Docker image; the others are common on Linux and macOS. */
const FONT = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';
const BLUE = '#4C78A8';
const GREEN = '#54A24B';
const RED = '#E45756';
const GREY = '#555555';

type Option = echarts.EChartsCoreOption;

function base(title: string, subtext: string): Option {
	return {
		animation: false,
		backgroundColor: '#ffffff',
		textStyle: { fontFamily: FONT },
		title: { text: title, subtext, left: 'center', textStyle: { fontFamily: FONT, fontSize: 16 }, subtextStyle: { fontFamily: FONT, fontSize: 12, color: GREY } },
	};
}

export function svgOf(option: Option, width: number, height: number): string {
	const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
	try {
		chart.setOption(option);
		return chart.renderToSVGString();
	} finally {
		chart.dispose();
	}
}

export function pngOf(svg: string, scale = 2): Buffer {
	const resvg = new Resvg(svg, {
		background: '#ffffff',
		fitTo: { mode: 'zoom', value: scale },
		font: { loadSystemFonts: true, defaultFontFamily: 'Arial', sansSerifFamily: 'Arial' },
	});
	return resvg.render().asPng();
}

const named = (g: GroupFigures) => g.group !== NONE && g.group !== NO_SCORE;

/** Win rate per score band, whiskers for the 95 % Wilson interval, the count under each band. */
export function conversionByScoreBandOption(report: Report): Option {
	const bands = report.breakdowns.scoreBand.filter(named);
	const highest = Math.max(0.01, ...bands.map((b) => b.win.high ?? 0));
	const step = highest > 0.5 ? 0.2 : highest > 0.2 ? 0.1 : highest > 0.1 ? 0.05 : 0.02;
	const top = Math.min(1, Math.ceil(highest / step - 1e-9) * step);
	return {
		...base('Conversion to won by score band', 'Bars: share of hand-offs won. Whiskers: 95 % interval (Wilson).'),
		grid: { left: 70, right: 30, top: 80, bottom: 70 },
		xAxis: { type: 'category', data: bands.map((b) => `${b.group}\nn = ${b.handoffs}`), axisLabel: { fontFamily: FONT, fontSize: 12, lineHeight: 16 }, name: 'Score at hand-off', nameLocation: 'middle', nameGap: 48 },
		yAxis: { type: 'value', min: 0, max: top, interval: step, axisLabel: { fontFamily: FONT, formatter: (v: number) => percent(v) }, name: 'Won', nameLocation: 'middle', nameGap: 50 },
		series: [
			{
				type: 'bar',
				barWidth: '45%',
				data: bands.map((b) => b.win.rate ?? 0),
				itemStyle: { color: BLUE },
				label: { show: true, position: 'insideBottom', color: '#ffffff', fontFamily: FONT, formatter: (p: { value: number }) => percent(p.value) },
			},
			{
				type: 'custom',
				z: 10,
				data: bands.map((b, i) => [i, b.win.low ?? 0, b.win.high ?? 0]),
				encode: { x: 0, y: [1, 2] },
				renderItem: (_params: unknown, api: ErrorBarApi) => {
					const x = api.value(0);
					const low = api.coord([x, api.value(1)]);
					const high = api.coord([x, api.value(2)]);
					const half = api.size([1, 0])[0] * 0.1;
					const style = { stroke: '#222222', lineWidth: 1.5 };
					return {
						type: 'group',
						children: [
							{ type: 'line', shape: { x1: high[0], y1: high[1], x2: low[0], y2: low[1] }, style },
							{ type: 'line', shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style },
							{ type: 'line', shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style },
						],
					};
				},
			},
		],
	};
}

interface ErrorBarApi {
	value(dimension: number): number;
	coord(point: number[]): number[];
	size(point: number[]): number[];
}

export interface RepSpeed {
	rep: string;
	n: number;
	median: number;
	p90: number;
	slaMinutes?: number;
	basis: 'business' | 'clock';
}

/** Each rep's first touches in the basis of the SLA most of their hand-offs had (business time when they had none). */
export function repSpeeds(report: Report, maxReps = 20): RepSpeed[] {
	const out: RepSpeed[] = [];
	for (const g of report.breakdowns.rep) {
		if (!named(g)) continue;
		const sla = g.sla;
		const bySla = sla && report.speedBySla.find((s) => s.dimension === 'rep' && s.group === g.group && s.slaMinutes === sla.minutes && s.basis === sla.basis);
		const spread = bySla ? bySla.speed : g.speedBusiness.n > 0 ? g.speedBusiness : g.speedClock;
		if (spread.n === 0 || spread.median === undefined || spread.p90 === undefined) continue;
		out.push({ rep: g.group, n: spread.n, median: spread.median, p90: spread.p90, slaMinutes: bySla ? sla.minutes : undefined, basis: bySla ? sla.basis : g.speedBusiness.n > 0 ? 'business' : 'clock' });
	}
	return out.sort((a, b) => b.n - a.n || (a.rep < b.rep ? -1 : 1)).slice(0, maxReps);
}

/** Median first touch per rep (bar, red when over the SLA), its 90th percentile and the SLA as marks. */
export function speedToContactByRepOption(report: Report, maxReps = 20): Option {
	const reps = repSpeeds(report, maxReps).reverse(); // the busiest rep on top
	const hours = (m: number) => m / 60;
	const business = reps.some((r) => r.basis === 'business');
	return {
		...base('Speed to contact by rep', `First touch in ${business ? 'business ' : ''}hours: median (red when over the SLA), 90th percentile and the SLA`),
		grid: { left: 150, right: 40, top: 80, bottom: 70 },
		legend: { bottom: 10, data: ['Median', '90th percentile', 'SLA'], textStyle: { fontFamily: FONT } },
		yAxis: { type: 'category', data: reps.map((r) => `${r.rep} (n = ${r.n})`), axisLabel: { fontFamily: FONT } },
		xAxis: { type: 'value', min: 0, axisLabel: { fontFamily: FONT, formatter: (v: number) => `${v} h` } },
		series: [
			{
				name: 'Median',
				type: 'bar',
				barWidth: '55%',
				data: reps.map((r) => ({ value: hours(r.median), itemStyle: { color: r.slaMinutes !== undefined && r.median > r.slaMinutes ? RED : GREEN } })),
				itemStyle: { color: GREEN },
				label: { show: true, position: 'insideLeft', color: '#ffffff', fontFamily: FONT, formatter: (p: { value: number }) => duration(p.value * 60) },
			},
			{ name: '90th percentile', type: 'scatter', symbol: 'diamond', symbolSize: 10, itemStyle: { color: GREY }, data: reps.map((r) => hours(r.p90)) },
			{ name: 'SLA', type: 'scatter', symbol: 'rect', symbolSize: [3, 22], itemStyle: { color: '#000000' }, data: reps.map((r) => (r.slaMinutes === undefined ? null : hours(r.slaMinutes))) },
		],
	};
}

/** Hand-offs reaching each stage, hand-off to won: bars with the count, the share of hand-offs and of the stage before. */
export function funnelOption(report: Report): Option {
	const t = report.total;
	const stages: Array<[string, number]> = [
		['Handed off', t.funnel.handedOff],
		['Accepted', t.funnel.accepted],
		['Contacted', t.funnel.contacted],
		['Meeting booked', t.funnel.meeting],
		['Opportunity', t.funnel.opportunity],
		['Won', t.funnel.won],
	];
	const n = Math.max(1, t.handoffs);
	const step = (i: number) => (i === 0 || stages[i - 1][1] === 0 ? '' : `\n${percent(stages[i][1] / stages[i - 1][1])} of ${stages[i - 1][0].toLowerCase()}`);
	return {
		...base('From hand-off to won', 'Leads that reached each stage or a later one'),
		grid: { left: 150, right: 120, top: 80, bottom: 30 },
		yAxis: { type: 'category', inverse: true, data: stages.map(([name], i) => `${name}${step(i)}`), axisLabel: { fontFamily: FONT, lineHeight: 16 } },
		xAxis: { type: 'value', min: 0, max: n, axisLabel: { show: false }, splitLine: { show: false } },
		series: [
			{
				type: 'bar',
				barWidth: '65%',
				data: stages.map(([, value], i) => ({ value, itemStyle: { color: i === stages.length - 1 ? GREEN : BLUE } })),
				label: { show: true, position: 'right', fontFamily: FONT, color: '#222222', formatter: (p: { value: number }) => `${p.value} (${percent(p.value / n)})` },
			},
		],
	};
}

/** The three charts as SVG and PNG. */
export function reportCharts(report: Report, o: ChartOptions = {}): Chart[] {
	const width = o.width ?? 720;
	const height = o.height ?? 420;
	const scale = o.scale ?? 2;
	const specs: Array<{ name: ChartName; title: string; option: Option; height: number }> = [
		{ name: 'conversionByScoreBand', title: 'Conversion by score band', option: conversionByScoreBandOption(report), height },
		{ name: 'speedToContactByRep', title: 'Speed to contact by rep', option: speedToContactByRepOption(report, o.maxReps), height: Math.max(height, 140 + 28 * repSpeeds(report, o.maxReps).length) },
		{ name: 'funnel', title: 'From hand-off to won', option: funnelOption(report), height },
	];
	return specs.map((s) => {
		const svg = svgOf(s.option, width, s.height);
		return { name: s.name, title: s.title, fileName: `${kebab(s.name)}.png`, svg, png: pngOf(svg, scale) };
	});
}

function kebab(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
