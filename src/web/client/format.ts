/** Number and date formats of the page: quantities to 1 decimal when fractional, money to cents. */

const quantityFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const preciseFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const moneyFormat = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const quantity = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : quantityFormat.format(value));
export const precise = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : preciseFormat.format(value));
export const money = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : moneyFormat.format(value));
export const percent = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : `${preciseFormat.format(value * 100)} %`);
export const date = (value: string | null | undefined): string => value ?? '–';
export const days = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : `${preciseFormat.format(value)} d`);
