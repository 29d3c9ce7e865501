import { Task } from '@lit/task';
import { LitElement, html } from 'lit';
import type { DeviceReport } from '../../engine/device.js';
import { deviceReport } from '../../engine/page-engine.js';
import { formatBytes } from '../../engine/progress.js';
import { tokens } from '../shared/tokens.styles.js';
import { devicePanelStyles } from './device-panel.styles.js';

const yesNo = (value: boolean | undefined) => (value === undefined ? 'unknown' : value ? 'yes' : 'no');

/**
 * @summary What this device offers for running models: the GPU adapter, its features and limits,
 * and the storage available to this site.
 */
export class ApertoDevicePanel extends LitElement {
  static override styles = [tokens, devicePanelStyles];

  private readonly probe = new Task(this, {
    task: () => deviceReport(),
    args: () => [],
  });

  override render() {
    return this.probe.render({
      pending: () => html`<p role="status">Checking this device…</p>`,
      complete: (report) => this.renderReport(report),
      error: (error) => html`<p role="alert">The device check failed: ${String(error)}</p>`,
    });
  }

  private renderReport(report: DeviceReport) {
    const { gpu, storage } = report;
    return html`
      <h2>Graphics (WebGPU)</h2>
      <dl aria-label="Graphics">
        <dt>WebGPU</dt>
        <dd data-field="webgpu">${gpu.available ? 'available' : `not available (${gpu.reason})`}</dd>
        ${gpu.available
          ? html`
              <dt>Vendor</dt>
              <dd data-field="vendor">${gpu.vendor || 'not reported'}</dd>
              <dt>Architecture</dt>
              <dd data-field="architecture">${gpu.architecture || 'not reported'}</dd>
              <dt>Description</dt>
              <dd>${gpu.description || 'not reported'}</dd>
              <dt>Software adapter</dt>
              <dd data-field="fallback">${yesNo(gpu.isFallbackAdapter)}</dd>
              <dt>16-bit shaders (shader-f16)</dt>
              <dd data-field="shader-f16">${yesNo(gpu.shaderF16)}</dd>
              <dt>Subgroups</dt>
              <dd data-field="subgroups">${yesNo(gpu.subgroups)}</dd>
              <dt>Largest buffer (maxBufferSize)</dt>
              <dd data-field="max-buffer">${formatBytes(gpu.maxBufferSize)}</dd>
              <dt>Largest storage binding</dt>
              <dd data-field="max-storage-binding">${formatBytes(gpu.maxStorageBufferBindingSize)}</dd>
              <dt>Features</dt>
              <dd>${gpu.features.join(', ') || 'none'}</dd>
            `
          : ''}
        ${report.deviceMemoryGB ? html`<dt>Device memory</dt><dd>about ${report.deviceMemoryGB} GB (as the browser rounds it)</dd>` : ''}
      </dl>
      <h2>Storage</h2>
      <dl aria-label="Storage">
        <dt>Used by this site</dt>
        <dd data-field="usage">${storage.usageBytes !== undefined ? formatBytes(storage.usageBytes) : 'unknown'}</dd>
        <dt>Available to this site</dt>
        <dd data-field="quota">${storage.quotaBytes !== undefined ? formatBytes(storage.quotaBytes) : 'unknown'}</dd>
        <dt>Persistent</dt>
        <dd>${yesNo(storage.persisted)}</dd>
      </dl>
    `;
  }
}
