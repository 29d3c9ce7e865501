import { ApertoModelProposal } from './model-proposal.js';

customElements.get('aperto-model-proposal') || customElements.define('aperto-model-proposal', ApertoModelProposal);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-model-proposal': ApertoModelProposal;
  }
}
